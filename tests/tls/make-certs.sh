#!/bin/sh
# Regenerate the TEST-ONLY CA and localhost server certificate used by the
# Mimecast emulator (tests/mimecast_emulator.py --tls).
# Requires the openssl CLI (1.1.1+ or 3.x). Run from anywhere.
set -eu
cd "$(dirname "$0")"
DAYS=36525   # ~100 years
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Test CA (self-signed, CA:TRUE).
openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
  -keyout "$tmp/ca.key" -out ca.pem \
  -subj "/CN=Mimecast Emulator Test CA (TEST ONLY)" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash"

# Server key + CSR.
openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -keyout server.key -out "$tmp/server.csr" -subj "/CN=localhost"

# End-entity extensions: webpki rejects CA certs used as end entities.
cat > "$tmp/server.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
EXT

openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" \
  -CAcreateserial -CAserial "$tmp/ca.srl" -days "$DAYS" -sha256 \
  -extfile "$tmp/server.ext" -out server.pem

# The CA private key is discarded on purpose: nothing else can be signed by it.
openssl verify -CAfile ca.pem server.pem
