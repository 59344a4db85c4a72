"""Python side of the libmimecast benchmarks (driven by bench/run.sh).

    python3 bench.py sign ITERS REPS
    python3 bench.py rt URL ITERS REPS REF_ITERS

The binding (bindings/python, ctypes over libmimecast) against Mimecast's
published Python sample: hmac + base64 + uuid + strftime per request, and
requests.post (a new connection per call) for the round trip. The sample's
base64.encodestring bug is fixed (b64encode) and its str(payload) body is
sent as real JSON. One JSON line per result on stdout.
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
import uuid

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))

APP_ID = "8a2b4c6d-1111-2222-3333-444455556666"
APP_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
ACCESS_KEY = "mYtOL3XZCOwG96BOiFTZRmMZWGxC9rxbKz2a8wnm5Sq0GqPqRX9ngf0LqH8B9TjKbmRvW5lWyIg2Ef8s2hfb7"
SECRET_KEY = "KTOlJxBehyd0JB1BfzT7pODzo3byUZwHbz8Ssjaz+298Gy9171VwGT+fbIW9GKIf3iYfaTDbsI5BxkSUY93twg=="
DATE = "Tue, 24 Nov 2015 12:50:11 UTC"
REQ_ID = "5a2a0e0c-5b1b-4c6f-9e0e-3f1b8a7d2c11"
URI = "/api/account/get-account"


def emit(id_, reps, iters, **extra):
    d = {"id": id_, "unit": "ns/op", "median": round(statistics.median(reps), 1),
         "reps": [round(r, 1) for r in reps], "iters": iters}
    d.update(extra)
    print(json.dumps(d), flush=True)


def measure(id_, iters, reps, f, **extra):
    for _ in range(max(1, iters // 10)):
        f()
    out = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        for _ in range(iters):
            f()
        out.append((time.perf_counter_ns() - t) / iters)
    emit(id_, out, iters, **extra)


def sample_headers():
    """Mimecast's Python sample, line for line (b64encode instead of encodestring)."""
    request_id = str(uuid.uuid4())
    hdr_date = datetime.datetime.utcnow().strftime("%a, %d %b %Y %H:%M:%S") + " UTC"
    hmac_sha1 = hmac.new(base64.b64decode(SECRET_KEY),
                         ':'.join([hdr_date, request_id, URI, APP_KEY]).encode(),
                         digestmod=hashlib.sha1).digest()
    sig = base64.b64encode(hmac_sha1).rstrip()
    return {
        'Authorization': 'MC ' + ACCESS_KEY + ':' + sig.decode(),
        'x-mc-app-id': APP_ID,
        'x-mc-date': hdr_date,
        'x-mc-req-id': request_id,
        'Content-Type': 'application/json',
    }


def client(url):
    import mimecast
    return mimecast.Client(url, APP_ID, APP_KEY, ACCESS_KEY, SECRET_KEY, proxy="", log=False)


def sign(iters, reps):
    c = client("https://eu-api.mimecast.com")
    measure("py.sign.fixed", iters, reps, lambda: c.sign(URI, DATE, REQ_ID))
    measure("py.sign.generated", iters, reps, lambda: c.sign(URI))
    measure("py.ref.sign", iters, reps, sample_headers)
    key = base64.b64decode(SECRET_KEY)
    data = ':'.join([DATE, REQ_ID, URI, APP_KEY]).encode()
    measure("py.floor.hmac", iters, reps, lambda: hmac.new(key, data, hashlib.sha1).digest())


def rt(url, iters, reps, ref_iters):
    c = client(url)
    assert c.get_account().account_code
    measure("py.rt.lib", iters, reps, c.get_account)
    full = url + URI
    payload = {'data': []}
    try:
        import requests
    except ImportError as e:  # fall back to http.client, labelled as such
        requests = None
        print(json.dumps({"id": "py.ref.rt_requests", "unavailable": "python3-requests not importable: %s" % e}), flush=True)
    if requests is not None:
        def sample_call():
            r = requests.post(url=full, headers=sample_headers(), data=json.dumps(payload))
            r.raise_for_status()
            return r.json()
        measure("py.ref.rt_requests", ref_iters, reps, sample_call, note="requests %s, new connection per call" % requests.__version__)
        session = requests.Session()

        def session_call():
            r = session.post(url=full, headers=sample_headers(), data=json.dumps(payload))
            r.raise_for_status()
            return r.json()
        measure("py.ref.rt_requests_session", ref_iters, reps, session_call)

    import http.client
    host = url.split("//", 1)[1]

    def httpclient_call():
        conn = http.client.HTTPConnection(host)
        conn.request("POST", URI, body=json.dumps(payload), headers=sample_headers())
        r = conn.getresponse()
        body = json.loads(r.read())
        conn.close()
        return body
    measure("py.ref.rt_httpclient", ref_iters, reps, httpclient_call)


def main():
    a = sys.argv
    if a[1] == "sign":
        sign(int(a[2]), int(a[3]))
    elif a[1] == "rt":
        rt(a[2], int(a[3]), int(a[4]), int(a[5]))
    else:
        sys.exit("usage: bench.py sign ITERS REPS | rt URL ITERS REPS REF_ITERS")


if __name__ == "__main__":
    main()
