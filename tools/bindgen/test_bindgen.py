"""Tests of the generator: it reads the real header, and refuses what it
does not understand instead of guessing.

    python3 -m unittest discover -s tools -p 'test_*.py'
"""

from __future__ import annotations

import json
import tempfile
import unittest
from pathlib import Path

from bindgen import emit_csharp, emit_python, generate
from bindgen.header import HeaderError, parse, parse_file
from bindgen.taxonomy import TaxonomyError, load

ROOT = Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "mimecast.h"
ERRORS = ROOT / "bindings" / "errors.json"

MINIMAL = """
#define MIMECAST_VERSION "1.2.3"
#define MIMECAST_VERSION_MAJOR 1
#define MIMECAST_VERSION_MINOR 2
#define MIMECAST_VERSION_PATCH 3

/*
 Most things.
 */
#define MC_THING_MAX 5

/*
 Outcome.
 */
typedef enum {
  /*
   Fine.
   */
  MC_STATUS_OK = 0,
  MC_STATUS_BAD = 7,
} mc_status;

typedef struct mc_thing mc_thing;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/*
 Makes a thing.
 */
MC_MUST_USE mc_status mc_thing_new(const char *name, mc_thing **out);

void mc_thing_free(mc_thing *thing);

#ifdef __cplusplus
} // extern "C"
#endif // __cplusplus
"""


def with_(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


class RealHeaderTest(unittest.TestCase):
    def test_reads_the_committed_header(self) -> None:
        h = parse_file(str(HEADER))
        self.assertRegex(h.version, r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(len(h.functions), 31)
        names = [f.name for f in h.functions]
        self.assertIn("mc_get_account", names)
        status = h.enum("mc_status")
        self.assertEqual(status.variants[0].name, "MC_STATUS_OK")
        self.assertEqual(status.variants[0].value, 0)
        account = next(s for s in h.structs if s.name == "mc_account")
        self.assertEqual([f.name for f in account.fields[:2]], ["json", "raw_json"])
        request = h.function("mc_request")
        self.assertTrue(request.must_use)
        self.assertEqual(str(request.params[3].type), "char * *")
        self.assertIn("Calls any Mimecast endpoint", request.doc)

    def test_every_function_is_emitted_for_every_language(self) -> None:
        h = parse_file(str(HEADER))
        files = generate(h, load(str(ERRORS), h))
        py = files[emit_python.ABI_PATH]
        cs = files[emit_csharp.NATIVE_PATH]
        for fn in h.functions:
            self.assertIn(f'"{fn.name}":', py)
            self.assertIn(f" {fn.name}(", cs)
        self.assertIn(f'HEADER_VERSION = "{h.version}"', py)
        self.assertIn(f'HeaderVersion = "{h.version}"', cs)

    def test_output_is_deterministic(self) -> None:
        h = parse_file(str(HEADER))
        t = load(str(ERRORS), h)
        self.assertEqual(generate(h, t), generate(parse_file(str(HEADER)), t))


class StrictParserTest(unittest.TestCase):
    def test_minimal_header(self) -> None:
        h = parse(MINIMAL)
        self.assertEqual(h.version, "1.2.3")
        self.assertEqual([v.value for v in h.enum("mc_status").variants], [0, 7])
        self.assertEqual(h.enum("mc_status").variants[0].doc, "Fine.")
        self.assertEqual(h.function("mc_thing_new").doc, "Makes a thing.")
        self.assertEqual(str(h.function("mc_thing_new").params[1].type), "mc_thing * *")

    def test_constants_reach_every_language(self) -> None:
        h = parse(MINIMAL)
        self.assertEqual(h.constants["MC_THING_MAX"], 5)
        self.assertEqual(h.constant_docs["MC_THING_MAX"], "Most things.")
        self.assertIn("#: Most things.\nMC_THING_MAX = 5\n", emit_python.emit_abi(h))
        cs = emit_csharp.emit_native(h)
        self.assertIn("internal const int McThingMax = 5;", cs)
        self.assertIn("internal sealed partial class ThingHandle : SafeHandle", cs)
        self.assertIn("NativeMethods.mc_thing_free(handle);", cs)

    def refused(self, text: str, fragment: str) -> None:
        with self.assertRaises(HeaderError) as cm:
            parse(text)
        self.assertIn(fragment, str(cm.exception))
        self.assertIn("include/mimecast.h:", str(cm.exception))

    def test_unknown_type(self) -> None:
        self.refused(with_("const char *name", "const wchar_t *name"), "unknown type 'wchar_t'")

    def test_enum_without_value(self) -> None:
        self.refused(with_("MC_STATUS_BAD = 7", "MC_STATUS_BAD"), "no explicit value")

    def test_enum_variant_without_prefix(self) -> None:
        self.refused(with_("MC_STATUS_BAD = 7", "BAD = 7"), "does not start with MC_STATUS_")

    def test_other_macro(self) -> None:
        self.refused(with_("typedef struct", "#define MC_HIDDEN(x) x\ntypedef struct"), "#define")

    def test_unknown_directive(self) -> None:
        self.refused(with_("typedef struct", "#error nope\ntypedef struct"), "directive")

    def test_declaration_outside_extern_c(self) -> None:
        self.refused(
            with_("typedef struct mc_thing", "void mc_early(void);\ntypedef struct mc_thing"),
            'outside extern "C"',
        )

    def test_function_pointer_parameter_is_not_guessed(self) -> None:
        self.refused(
            with_("const char *name,", "void (*cb)(void),"), "cannot read parameter"
        )

    def test_array_parameter(self) -> None:
        self.refused(with_("const char *name", "const char name[4]"), "cannot read parameter")

    def test_struct_by_value_is_refused_by_the_emitters(self) -> None:
        h = parse(with_("mc_thing **out", "size_t **out"))
        with self.assertRaises(HeaderError):
            emit_python.ctype(h, h.function("mc_thing_new").params[1].type, "x", "param")
        with self.assertRaises(HeaderError):
            emit_csharp.cs_type(h, h.function("mc_thing_new").params[1].type, "x", "param")

    def test_version_must_agree(self) -> None:
        self.refused(with_("VERSION_PATCH 3", "VERSION_PATCH 4"), "disagrees")


class TaxonomyTest(unittest.TestCase):
    def write(self, data: dict) -> str:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.addCleanup(Path(tmp.name).unlink)
        json.dump(data, tmp)
        tmp.close()
        return tmp.name

    def test_committed_table_covers_every_status(self) -> None:
        h = parse_file(str(HEADER))
        t = load(str(ERRORS), h)
        failures = [v.name for v in h.enum("mc_status").variants if v.value]
        self.assertEqual(sorted(t.by_status()), sorted(failures))

    def test_unclaimed_status_is_refused(self) -> None:
        data = json.loads(ERRORS.read_text("utf-8"))
        for kind in data["kinds"]:
            if "MC_STATUS_TLS" in kind["statuses"]:
                kind["statuses"].remove("MC_STATUS_TLS")
        with self.assertRaises(TaxonomyError) as cm:
            load(self.write(data), parse_file(str(HEADER)))
        self.assertIn("MC_STATUS_TLS", str(cm.exception))

    def test_status_claimed_twice_is_refused(self) -> None:
        data = json.loads(ERRORS.read_text("utf-8"))
        data["kinds"][1]["statuses"].append("MC_STATUS_TLS")
        with self.assertRaises(TaxonomyError):
            load(self.write(data), parse_file(str(HEADER)))


if __name__ == "__main__":
    unittest.main()
