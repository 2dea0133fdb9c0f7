#!/bin/sh
# Makes a private CA and the webhook's serving certificate with the openssl CLI.
#
#   deploy/kubernetes/make-certs.sh OUT_DIR [NAMESPACE] [SERVICE] [EXTRA_SAN...]
#
# OUT_DIR gets ca.crt, ca.key, tls.crt, tls.key and ca-bundle.b64 (the base64
# string for the webhook configurations' caBundle). The certificate names the
# service's in-cluster DNS names (SERVICE.NAMESPACE.svc, which the API server
# dials); EXTRA_SANs are added as given, e.g. IP:127.0.0.1 or DNS:localhost.
# Keep ca.key offline: it is only needed to issue the next serving certificate.
set -eu

out=${1:?usage: make-certs.sh OUT_DIR [NAMESPACE] [SERVICE] [EXTRA_SAN...]}
namespace=${2:-bulkhead}
service=${3:-bulkhead-admission}
[ $# -gt 3 ] && shift 3 || shift $#
days=${DAYS:-365}

mkdir -p "$out"
umask 077

sans="DNS:$service,DNS:$service.$namespace,DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local"
for san in "$@"; do sans="$sans,$san"; done

if [ ! -s "$out/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/ca.key" -out "$out/ca.crt" -days "$days" \
    -subj "/CN=bulkhead-admission-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

cat > "$out/server.ext" <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$sans
EXT

openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/tls.key.new" -out "$out/server.csr" -subj "/CN=$service.$namespace.svc" 2>/dev/null
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -out "$out/tls.crt.new" -days "$days" -extfile "$out/server.ext" 2>/dev/null
# Replace the pair by rename, so a running webhook never reads half a file.
mv "$out/tls.key.new" "$out/tls.key"
mv "$out/tls.crt.new" "$out/tls.crt"
rm -f "$out/server.csr" "$out/server.ext"
chmod 644 "$out/ca.crt" "$out/tls.crt"

base64 < "$out/ca.crt" | tr -d '\n' > "$out/ca-bundle.b64"
echo "wrote $out/tls.crt, $out/tls.key (SANs: $sans) and $out/ca-bundle.b64" >&2
