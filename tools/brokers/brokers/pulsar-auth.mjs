import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brokerRunDir } from "../lib/paths.mjs";
import { pulsarStandalone } from "./pulsar.mjs";

const dir = () => join(brokerRunDir("pulsar-auth"), "tokens");

/**
 * A second Pulsar standalone that requires token authentication (HS256 JWTs), so a transport can test
 * a valid token, a missing one and a wrong one. Only started when asked for by name: it costs another
 * ~400 MB and 20 s. The secret is random per run directory and never leaves .brokers/.
 */
export const pulsarAuth = pulsarStandalone({
  name: "pulsar-auth",
  ports: { binary: 6652, http: 8082 },
  auth: () => {
    const { secretKeyBase64, adminToken } = pulsarAuthSecrets();
    return { secretKeyBase64, adminToken };
  },
});

/**
 * The HS256 secret and two tokens signed with it: `admin` (the broker's own clients, a super user) and
 * `outbound-test` (what tests present). Made once, then read back.
 * @returns {{ secretKeyBase64: string, adminToken: string, clientToken: string }}
 */
export function pulsarAuthSecrets() {
  const files = {
    secret: join(dir(), "secret.key.b64"),
    admin: join(dir(), "admin.token"),
    client: join(dir(), "client.token"),
  };
  if (!existsSync(files.client)) {
    mkdirSync(dir(), { recursive: true, mode: 0o700 });
    const secret = randomBytes(32);
    writeFileSync(files.secret, secret.toString("base64"), { mode: 0o600 });
    writeFileSync(files.admin, signToken("admin", secret), { mode: 0o600 });
    writeFileSync(files.client, signToken("outbound-test", secret), { mode: 0o600 });
  }
  return {
    secretKeyBase64: readFileSync(files.secret, "utf8"),
    adminToken: readFileSync(files.admin, "utf8"),
    clientToken: readFileSync(files.client, "utf8"),
  };
}

/** Where the client token is written, for endpoints() (which must not create it). */
export function pulsarAuthTokenFile() {
  return join(dir(), "client.token");
}

/** A compact HS256 JWT with only a subject, the shape Pulsar's token provider expects. */
function signToken(subject, secret) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256" })}.${encode({ sub: subject })}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}
