#!/usr/bin/env python3
"""Generate tests/vectors/signing.json: Mimecast API 1.0 ("MC") signing vectors.

Independent of the library: uses only Python's hmac, hashlib and base64.

    data_to_sign = date + ":" + request_id + ":" + path + ":" + app_key
    signature    = base64(HMAC-SHA1(base64_decode(secret_key), utf8(data_to_sign)))
    authorization = "MC " + access_key + ":" + signature

Usage:
    python3 tests/vectors/generate.py          # (re)write signing.json
    python3 tests/vectors/generate.py --check  # exit 1 if signing.json is stale
    python3 tests/vectors/generate.py --stdout # print instead of writing

All inputs are fixed, so the output is deterministic.
"""
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signing.json")

APP_ID = "6f6b3f73-1a2b-4c3d-9e8f-0123456789ab"
APP_KEY = "c2f1c8a0-5d8e-4f5a-9b7c-abcdef012345"
ACCESS_KEY = (
    "mYtOL3XZCOwG96BOiFTZRmMtmBmXMf4ULJMl0iBEPbQk4hgyl5nORmSY3EG8dS5tZEsQqhHdd"
    "iO6rrDY6EbZ6ao7FxCpDaTw8QCuiRWOV3ldvoHfXPEgPWdiL0MC-7AIwH9OvEc8lXrJeYVO2tmyWA"
)


def b64_of(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


SECRET_64 = b64_of(bytes(range(64)))  # 64 bytes -> "==" padding (the default key)
SECRET_16 = b64_of(bytes(range(0x10, 0x20)))  # 16 bytes -> "==" padding
SECRET_20 = b64_of(bytes(range(0xA0, 0xB4)))  # 20 bytes -> "=" padding
SECRET_100 = b64_of(bytes((i * 7 + 3) % 256 for i in range(100)))  # 100 bytes -> "==" padding
SECRET_32 = b64_of(hashlib.sha256(b"mimecast-vector-secret").digest())  # 32 bytes -> "="
SECRET_48 = b64_of(hashlib.sha384(b"no padding").digest())  # 48 bytes -> no padding

DATE = "Tue, 24 Nov 2015 12:50:11 UTC"
REQ_ID = "8c8b2b8e-6d0f-4f3a-9d1e-2a4b6c8d0e1f"


def sign(secret_key: str, date: str, request_id: str, path: str, app_key: str):
    data = f"{date}:{request_id}:{path}:{app_key}"
    # validate=True: reject non-alphabet characters instead of silently skipping them.
    key = base64.b64decode(secret_key, validate=True)
    mac = hmac.new(key, data.encode("utf-8"), hashlib.sha1).digest()
    return data, base64.b64encode(mac).decode("ascii")


def vector(
    name,
    path,
    secret_key=SECRET_64,
    date=DATE,
    request_id=REQ_ID,
    app_key=APP_KEY,
    app_id=APP_ID,
    access_key=ACCESS_KEY,
):
    data, sig = sign(secret_key, date, request_id, path, app_key)
    return {
        "name": name,
        "app_id": app_id,
        "app_key": app_key,
        "access_key": access_key,
        "secret_key": secret_key,
        "path": path,
        "date": date,
        "request_id": request_id,
        "data_to_sign": data,
        "signature": sig,
        "authorization": f"MC {access_key}:{sig}",
    }


def build():
    vectors = [
        vector("default_keys_get_account", "/api/account/get-account"),
        vector("doc_example_date_audit_events", "/api/audit/get-audit-events"),
        vector("path_ttp_url_logs", "/api/ttp/url/get-logs", date="Fri, 31 Dec 2027 23:59:59 UTC"),
        vector(
            "path_discover_authentication",
            "/api/login/discover-authentication",
            date="Sun, 01 Feb 2026 00:00:00 UTC",
        ),
        vector(
            "single_digit_day_zero_padded",
            "/api/account/get-account",
            date="Tue, 03 Mar 2026 09:05:07 UTC",
        ),
        vector("non_ascii_app_key", "/api/account/get-account", app_key="clé-ü"),
        vector(
            "non_ascii_path",
            "/api/directory/find-groups/Grüße",
            date="Wed, 04 Mar 2026 10:11:12 UTC",
        ),
        vector("secret_16_bytes_double_padding", "/api/account/get-account", secret_key=SECRET_16),
        vector("secret_20_bytes_single_padding", "/api/account/get-account", secret_key=SECRET_20),
        vector("secret_32_bytes", "/api/account/get-account", secret_key=SECRET_32),
        vector("secret_48_bytes_no_padding", "/api/account/get-account", secret_key=SECRET_48),
        vector("secret_100_bytes", "/api/account/get-account", secret_key=SECRET_100),
        vector(
            "uppercase_guid_request_id",
            "/api/account/get-account",
            request_id="8C8B2B8E-6D0F-4F3A-9D1E-2A4B6C8D0E1F",
        ),
        vector(
            "other_access_key_and_app",
            "/api/message-finder/search",
            app_id="00000000-1111-2222-3333-444444444444",
            app_key="ffffffff-eeee-dddd-cccc-bbbbbbbbbbbb",
            access_key="AKshortAccessKey-_0123456789",
            date="Tue, 29 Feb 2028 18:30:00 UTC",  # leap day
            request_id="{1d2e3f40-5a6b-7c8d-9eaf-b0c1d2e3f405}",
        ),
    ]
    invalid = [
        {"name": "not_base64_chars", "secret_key": "not base64!", "error": "invalid_credentials"},
        {"name": "bad_length", "secret_key": "abc", "error": "invalid_credentials"},
        {
            "name": "embedded_newline",
            "secret_key": SECRET_64[:40] + "\n" + SECRET_64[40:],
            "error": "invalid_credentials",
        },
        {
            "name": "embedded_space",
            "secret_key": SECRET_64[:20] + " " + SECRET_64[20:],
            "error": "invalid_credentials",
        },
        {
            "name": "empty",
            "secret_key": "",
            "error": "invalid_argument",
        },  # a missing value, not bad base64,
        {
            "name": "url_safe_alphabet",
            "secret_key": b64_of(bytes([0xFB, 0xFF, 0xFE] * 6))
            .replace("+", "-")
            .replace("/", "_"),
            "error": "invalid_credentials",
        },
    ]
    # Self-check the invalid list against Python's strict decoder (empty decodes
    # to an empty key, which is rejected as unusable rather than as bad base64).
    for inv in invalid:
        s = inv["secret_key"]
        if s:
            try:
                base64.b64decode(s, validate=True)
            except (binascii.Error, ValueError):
                continue
            raise AssertionError(f"invalid vector {inv['name']} decodes fine")
    # Self-check: every date is well formed with a consistent weekday.
    for v in vectors:
        wd, day, mon, year = v["date"].replace(",", "").split(" ")[:4]
        months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        parsed = datetime.date(int(year), months.index(mon) + 1, int(day))
        assert len(day) == 2 and wd == "Mon Tue Wed Thu Fri Sat Sun".split()[parsed.weekday()], v[
            "name"
        ]
    return {
        "description": (
            "Mimecast API 1.0 request-signing vectors. signature = base64(HMAC-SHA1("
            "base64_decode(secret_key), utf8(date:request_id:path:app_key))); "
            "authorization = 'MC ' + access_key + ':' + signature. 'invalid' lists "
            "secret keys a client must reject as a credentials error before sending."
        ),
        "generator": "tests/vectors/generate.py (Python hmac+base64, independent of the library)",
        "vectors": vectors,
        "invalid": invalid,
    }


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv):
    text = render()
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    if "--check" in argv:
        try:
            with open(OUT, encoding="utf-8") as f:
                current = f.read()
        except OSError as e:
            print(f"signing.json unreadable: {e}", file=sys.stderr)
            return 1
        if current != text:
            print(
                "tests/vectors/signing.json is stale: run python3 tests/vectors/generate.py",
                file=sys.stderr,
            )
            return 1
        print("signing.json is up to date")
        return 0
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
