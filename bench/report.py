"""Turns the JSON lines of one bench run into the printed table and bench/results.json.

    python3 bench/report.py RAW.jsonl MACHINE.json OUT.json
"""
import json
import sys

raw_path, machine_path, out_path = sys.argv[1:4]
R = {}
for line in open(raw_path):
    line = line.strip()
    if line.startswith("{"):
        d = json.loads(line)
        R[d["id"]] = d
machine = json.load(open(machine_path))


def val(i):
    d = R.get(i)
    return d.get("median") if d and "median" in d else None


def why(i):
    d = R.get(i)
    if d is None:
        return "not available: not run"
    return "not available: " + d.get("unavailable", "no result")


lines = []
targets = []


def out(s=""):
    lines.append(s)


def fmt_ns(v):
    if v is None:
        return ""
    if v >= 100000:
        return "%.0f us" % (v / 1000)
    if v >= 10000:
        return "%.1f us" % (v / 1000)
    return "%.0f ns" % v


def ratio(a, b):
    return a / b if a is not None and b else None


def row(label, i, base=None, base_label="", note=""):
    v = val(i)
    if v is None:
        out("  %-52s %12s   %s" % (label, "-", why(i)))
        return
    r = ratio(v, val(base)) if base else None
    rs = ("%6.2fx %s" % (r, base_label)) if r is not None else ""
    out("  %-52s %12s   %s%s" % (label, fmt_ns(v), rs, ("  " + note) if note else ""))


def target(name, value, limit, cmp, detail):
    """cmp '<=': value must be <= limit; '>=': value must be >= limit."""
    if value is None:
        status = "N/A"
    else:
        status = "PASS" if (value <= limit if cmp == "<=" else value >= limit) else "MISS"
    targets.append({"target": name, "value": None if value is None else round(value, 3),
                    "limit": "%s %s" % (cmp, limit), "status": status, "detail": detail})
    out("  [%-4s] %-60s %s" % (status, name, ("%.2f (%s %s)" % (value, cmp, limit)) if value is not None else detail))


m = machine
out("libmimecast benchmarks  %s%s" % (m["date"], "  (--quick)" if m.get("quick") else ""))
out("reproduce: make bench   (or: bash bench/run.sh [--quick])")
out("machine: %s, nproc=%s, %s; git %s" % (m["cpu"], m["nproc"], m["kernel"], m["git"]))
out("tools: %s" % m["tools"])
out("medians of %s repetitions after warm-up; ratios are within this run" % m["reps"])
out()
out("SIGNING (per operation; median)")
row("Rust  Client::sign (fixed date + request id)", "rust.sign.fixed", "rust.floor.hmac", "vs Rust HMAC")
row("Rust  Client::sign (generated date + uuid)", "rust.sign.generated", "rust.floor.hmac", "vs Rust HMAC")
row("Rust  floor: hmac crate, keyed per call", "rust.floor.hmac")
row("Rust  floor: hmac crate, pre-keyed", "rust.floor.hmac_prekeyed")
row("Rust  floor: hmac crate, pre-keyed + base64", "rust.floor.hmac_prekeyed_b64")
row("C     mc_sign + free (fixed date + request id)", "c.sign.fixed", "c.floor.openssl_hmac", "vs OpenSSL HMAC()")
row("C     mc_sign + free (generated)", "c.sign.generated", "c.floor.openssl_hmac", "vs OpenSSL HMAC()")
row("C     floor: OpenSSL HMAC() one-shot", "c.floor.openssl_hmac")
row("C     floor: OpenSSL HMAC_CTX pre-keyed", "c.floor.openssl_hmac_prekeyed")
row("Py    client.sign (fixed)", "py.sign.fixed", "py.ref.sign", "vs sample")
row("Py    client.sign (generated)", "py.sign.generated", "py.ref.sign", "vs sample")
row("Py    reference: Mimecast sample (hmac+b64+uuid+strftime)", "py.ref.sign")
row("Py    floor: hmac.new(key, data, sha1).digest()", "py.floor.hmac")
row("C#    MimecastClient.Sign (fixed)", "cs.sign.fixed", "cs.ref.sign", "vs sample")
row("C#    MimecastClient.Sign (generated)", "cs.sign.generated", "cs.ref.sign", "vs sample")
row("C#    reference: Mimecast sample (new HMACSHA1 per call)", "cs.ref.sign")
row("C#    reference, modern: HMACSHA1.HashData", "cs.ref.sign_hashdata")
row("C#    floor: HMACSHA1.HashData of the same bytes", "cs.floor.hmac")
row("PS    Get-MimecastAuthHeader (module)", "ps.sign.module", "ps.ref.sign", "vs sample")
row("PS    reference: Mimecast sample", "ps.ref.sign")
out()
out("ROUND TRIPS: Get Account against local nginx (per call; median)")
row("Rust  Client::get_account (keep-alive)", "rust.rt.lib", "rust.rt.floor", "vs floor")
row("C     mc_get_account + free (keep-alive)", "c.rt.lib", "rust.rt.floor", "vs floor")
row("Rust  floor: raw TCP keep-alive, same request bytes", "rust.rt.floor")
row("C     baseline: libcurl easy handle + OpenSSL HMAC + cJSON", "c.curl.rt", "rust.rt.floor", "vs floor")
row("Py    client.get_account", "py.rt.lib", "rust.rt.floor", "vs floor")
row("Py    reference: sample, requests.post (new conn/call)", "py.ref.rt_requests", "c.rt.lib", "vs C lib")
row("Py    requests.Session (keep-alive)", "py.ref.rt_requests_session", "c.rt.lib", "vs C lib")
row("Py    http.client, new connection per call", "py.ref.rt_httpclient", "c.rt.lib", "vs C lib")
row("C#    MimecastClient.GetAccount", "cs.rt.lib", "rust.rt.floor", "vs floor")
row("C#    reference: HttpClient keep-alive + HMACSHA1", "cs.ref.rt_httpclient", "rust.rt.floor", "vs floor")
row("PS    Get-MimecastAccount (module)", "ps.rt.module", "rust.rt.floor", "vs floor")
row("PS    reference: sample, Invoke-RestMethod", "ps.ref.rt", "rust.rt.floor", "vs floor")
out()
out("CONCURRENCY: one shared Arc<Client>, Get Account (requests/s; median)")
base = val("rust.conc.t1")
for t in (1, 2, 4, 8):
    v = val("rust.conc.t%d" % t)
    if v is None:
        out("  %2d threads  %s" % (t, why("rust.conc.t%d" % t)))
    else:
        out("  %2d threads  %10.0f req/s   %5.2fx of 1 thread" % (t, v, v / base if base else 0))
out()
out("MEMORY: VmRSS of one process, one client")
for i, what in (("c.mem.get_account", "mc_get_account"), ("c.mem.sign", "mc_sign")):
    d = R.get(i)
    if not d or "rss_n2" not in d:
        out("  %-16s %s" % (what, why(i)))
        continue
    out("  %-16s start %6d KiB, after %7d calls %6d KiB, after %7d calls %6d KiB: growth %+d KiB"
        % (what, d["rss_start"], d["n1"], d["rss_n1"], d["n2"], d["rss_n2"], d["rss_n2"] - d["rss_n1"]))
out()
out("SIEM PULL: API 2.0 batch (gzip files), every event handed to the caller; CPU time of the pulling process")
siem = (("c.siem.batch", "C     mc_stream_* (whole pull)"), ("c.siem.batch.quarter", "C     mc_stream_* (first quarter)"),
        ("py.siem.lib", "Py    client.events()"), ("cs.siem.lib", "C#    client.Events()"),
        ("ps.siem.json", "PS    Get-MimecastSiemEvent -AsJson"), ("ps.siem.objects", "PS    Get-MimecastSiemEvent (objects)"),
        ("py.ref.siem", "Py    baseline: urllib + gzip + json.loads"))
for i, what in siem:
    d = R.get(i)
    if not d or "bytes" not in d:
        out("  %-40s %s" % (what, why(i)))
        continue
    out("  %-40s %8d events %7.1f MB  %6.2f CPU s  %6.1f MB/s per core  %6.1f MB/s wall  peak RSS %6d KiB"
        % (what, d["events"], d["bytes"] / 1e6, d["cpu_s"], d["mb_per_cpu_s"], d["mb_per_wall_s"], d["maxrss_kib"]))
out()
out("CANCELLATION: from mc_cancel_cancel() to the call's return, the call held by the emulator's slow fault")
d = R.get("c.cancel.wait")
if d and "median" in d:
    out("  C     mc_get_account, %d calls: median %.1f ms, max %.1f ms" % (d["reps"], d["median"] / 1e6, d["max"] / 1e6))
else:
    out("  C     mc_get_account  %s" % why("c.cancel.wait"))
d = R.get("py.cancel.task")
if d and "median" in d:
    out("  Py    asyncio task.cancel(), %d calls: median %.1f ms, max %.1f ms" % (d["reps"], d["median"] / 1e6, d["max"] / 1e6))
else:
    out("  Py    asyncio task.cancel()  %s" % why("py.cancel.task"))
d = R.get("cs.cancel.token")
if d and "median" in d:
    out("  C#    CancellationToken, GetAccountAsync, %d calls: median %.1f ms, max %.1f ms" % (d["reps"], d["median"] / 1e6, d["max"] / 1e6))
else:
    out("  C#    CancellationToken  %s" % why("cs.cancel.token"))
out()
out("TARGETS")
target("mc_sign (C, fixed) <= 2x OpenSSL HMAC() floor", ratio(val("c.sign.fixed"), val("c.floor.openssl_hmac")), 2, "<=",
       "C floor missing")
target("  stricter: mc_sign (C, fixed) <= 2x pre-keyed OpenSSL HMAC_CTX", ratio(val("c.sign.fixed"), val("c.floor.openssl_hmac_prekeyed")), 2, "<=",
       "C floor missing")
target("Python client.sign (generated) / Python sample <= 1", ratio(val("py.sign.generated"), val("py.ref.sign")), 1, "<=",
       why("py.sign.generated"))
target("C# Sign (generated) / C# sample <= 1", ratio(val("cs.sign.generated"), val("cs.ref.sign")), 1, "<=",
       why("cs.sign.generated"))
target("PowerShell module / PowerShell sample <= 1", ratio(val("ps.sign.module"), val("ps.ref.sign")), 1, "<=",
       why("ps.sign.module"))
target("Rust library round trip / floor <= 1.5", ratio(val("rust.rt.lib"), val("rust.rt.floor")), 1.5, "<=", "missing")
target("C library round trip / floor <= 1.5", ratio(val("c.rt.lib"), val("rust.rt.floor")), 1.5, "<=", "missing")
target("C library round trip / libcurl + OpenSSL + cJSON client <= 0.8", ratio(val("c.rt.lib"), val("c.curl.rt")), 0.8,
       "<=", why("c.curl.rt"))
target("C library round trip / floor <= 2", ratio(val("c.rt.lib"), val("rust.rt.floor")), 2, "<=", "missing")
target("cancellation: slowest of the C calls returns within 100 ms of the cancel (ms)",
       R["c.cancel.wait"]["max"] / 1e6 if "max" in R.get("c.cancel.wait", {}) else None, 100, "<=",
       why("c.cancel.wait"))


def siem(i, k):
    d = R.get(i)
    return d.get(k) if d and k in d else None


target("SIEM pull, C: MB/s of events per core >= 50", siem("c.siem.batch", "mb_per_cpu_s"), 50, ">=", why("c.siem.batch"))
target("SIEM pull, C: peak RSS (MiB) < 64", (siem("c.siem.batch", "maxrss_kib") or 0) / 1024 or None, 64, "<=",
       why("c.siem.batch"))
target("SIEM pull, C: peak RSS growth, quarter -> whole pull (KiB) < 1024",
       None if siem("c.siem.batch", "maxrss_kib") is None or siem("c.siem.batch.quarter", "maxrss_kib") is None
       else siem("c.siem.batch", "maxrss_kib") - siem("c.siem.batch.quarter", "maxrss_kib"), 1024, "<=",
       why("c.siem.batch.quarter"))
target("SIEM pull, C / Python stdlib collector, MB/s per core >= 1",
       ratio(siem("c.siem.batch", "mb_per_cpu_s"), siem("py.ref.siem", "mb_per_cpu_s")), 1, ">=", why("py.ref.siem"))
target("Python sample (requests, new conn) / C library >= 10", ratio(val("py.ref.rt_requests"), val("c.rt.lib")), 10, ">=",
       why("py.ref.rt_requests"))
target("Python sample (requests, new conn) / Python binding >= 10", ratio(val("py.ref.rt_requests"), val("py.rt.lib")), 10, ">=",
       why("py.ref.rt_requests"))
for i, what in (("c.mem.get_account", "RSS growth, 1k -> N Get Account calls (KiB) < 1024"),
                ("c.mem.sign", "RSS growth, 1k -> N mc_sign calls (KiB) < 1024")):
    d = R.get(i)
    g = (d["rss_n2"] - d["rss_n1"]) if d and "rss_n2" in d else None
    target(what, g, 1024, "<=", why(i))

text = "\n".join(lines)
print(text)
json.dump({"machine": machine, "results": R, "targets": targets, "table": text}, open(out_path, "w"), indent=1)
