#!/usr/bin/env python3
"""Get Account with the mimecast Python binding.

The binding's version of Mimecast's Python sample for
``POST /api/account/get-account``: instead of building the date, request id
and HMAC-SHA1 signature by hand, libmimecast signs the request (UTC date,
fresh request id, path-only signature, real JSON body).

Credentials come from the environment, read by the C library
(Client.from_env), so every language binding uses the same names:

    export MIMECAST_BASE_URL=eu          # region name or https://eu-api.mimecast.com
    export MIMECAST_APP_ID=...           # Application ID
    export MIMECAST_APP_KEY=...          # Application Key
    export MIMECAST_ACCESS_KEY=...       # Access Key
    export MIMECAST_SECRET_KEY=...       # Secret Key (base64)
    # or, for API 2.0: MIMECAST_CLIENT_ID and MIMECAST_CLIENT_SECRET

    python3 examples/python/get_account.py

Against the local emulator (tests/mimecast_emulator.py) from the repository
root: start it, then export MIMECAST_BASE_URL=<the URL it prints> and the
emulator's DEFAULT_KEYS.
"""

import json
import os
import sys

try:
    import mimecast
except ImportError:  # running from a source checkout without installing the wheel
    sys.path.insert(
        0,
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"),
    )
    import mimecast


def main() -> int:
    try:
        with mimecast.Client.from_env(timeout=30) as client:
            account = client.get_account()
    except mimecast.InvalidArgumentError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except mimecast.MimecastError as exc:
        print(f"Get Account failed: {exc}", file=sys.stderr)
        return 1

    # Like the sample's `print r.text`, but the account object only, with the
    # support passphrase masked.
    shown = dict(account.raw)
    if "passphrase" in shown:
        shown["passphrase"] = "********"
    print(json.dumps(shown, indent=2, ensure_ascii=False))
    print(
        f"\n{account.account_name} ({account.account_code}), region {account.region}, "
        f"{account.user_count} users, {len(account.packages)} packages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
