"""The baseline for the SIEM pull benchmark: an API 2.0 batch collector as
the public Python integrations write it by hand (standard library only):
token, pages of links, each gzip file downloaded whole, decompressed whole,
split into lines, each line parsed with json.loads.

    python3 bench/python/siem_pull_ref.py ID BASE_URL

Prints one JSON line like bench/c/siem_pull.c (CPU seconds of this
process, wall seconds, MB/s per CPU second, peak RSS).
"""

import gzip
import json
import resource
import sys
import time
import urllib.parse
import urllib.request

CLIENT_ID = "emulator-client-id-0001"
CLIENT_SECRET = "emulator-client-secret-s3cr3t-0001"


def cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main() -> None:
    ident, base = sys.argv[1], sys.argv[2]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    form = urllib.parse.urlencode(
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "client_credentials",
        }
    ).encode()
    c0, w0 = cpu(), time.monotonic()
    with opener.open(base + "/oauth/token", data=form) as r:
        token = json.load(r)["access_token"]
    events = size = 0
    query = {"type": "receipt", "pageSize": "10", "dateRangeStartsAt": "2026-11-30"}
    while True:
        url = base + "/siem/v1/batch/events/cg?" + urllib.parse.urlencode(query)
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        with opener.open(req) as r:
            page = json.load(r)
        for link in page["value"]:
            with opener.open(link["url"]) as f:
                data = gzip.decompress(f.read())
            for line in data.splitlines():
                if line:
                    json.loads(line)
                    events += 1
                    size += len(line)
        if page.get("isCaughtUp"):
            break
        query = {"pageSize": "10", "nextPage": page["@nextPage"]}
    c, w = cpu() - c0, time.monotonic() - w0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "id": ident,
                "events": events,
                "bytes": size,
                "cpu_s": round(c, 3),
                "wall_s": round(w, 3),
                "mb_per_cpu_s": round(size / 1e6 / c, 1) if c else 0,
                "mb_per_wall_s": round(size / 1e6 / w, 1) if w else 0,
                "maxrss_kib": rss,
            }
        )
    )


if __name__ == "__main__":
    main()
