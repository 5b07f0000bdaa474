import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./process.mjs";

/**
 * A test CA and a server certificate it signs (for localhost and 127.0.0.1), made once per run dir, so
 * a TLS test can verify the broker's certificate with the CA (endpoints().amqpsCaFile, endpoints().kafkaTlsCaFile) instead of
 * turning verification off.
 */
export async function ensureTlsFiles(dir) {
  const files = { ca: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server.key") };
  if (existsSync(files.ca) && existsSync(files.cert) && existsSync(files.key)) return files;
  mkdirSync(dir, { recursive: true });
  const caKey = join(dir, "ca.key");
  const csr = join(dir, "server.csr");
  const extensions = join(dir, "server.ext");
  writeFileSync(extensions, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  const days = ["-days", "3650"];
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    caKey,
    "-out",
    files.ca,
    ...days,
    "-subj",
    "/CN=Outbound test CA",
  ]);
  await run("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    files.key,
    "-out",
    csr,
    "-subj",
    "/CN=localhost",
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    files.ca,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    files.cert,
    ...days,
    "-extfile",
    extensions,
  ]);
  return files;
}
