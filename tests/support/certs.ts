/**
 * Test certificates made with the `openssl` CLI: a CA, a server certificate
 * for 127.0.0.1 and localhost, a client certificate, and a second CA that
 * signed none of them. Runs on Deno and Node.
 *
 * @module
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellQuote, startWatchdog } from "./_watchdog.ts";

/** One PEM file: where it is and what it holds. */
export interface CertificateFile {
  /** Absolute path of the file. */
  path: string;
  /** The file's PEM text. */
  pem: string;
}

/** The files {@linkcode makeCertificates} writes. */
export interface Certificates {
  /** The folder holding every file. */
  dir: string;
  /** The CA that signed the server and client certificates. */
  caCert: CertificateFile;
  /** The CA's private key. */
  caKey: CertificateFile;
  /** Server certificate, valid for IP 127.0.0.1 and DNS localhost. */
  serverCert: CertificateFile;
  /** The server certificate's private key. */
  serverKey: CertificateFile;
  /** Client certificate (CN redwire-client), for servers that ask for one. */
  clientCert: CertificateFile;
  /** The client certificate's private key. */
  clientKey: CertificateFile;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  untrustedCaCert: CertificateFile;
}

const made = new Map<string, Promise<Certificates>>();
let defaultDir: string | undefined;

/**
 * Writes a CA, server and client certificates (EC P-256, valid two days) to
 * `dir` with the `openssl` CLI, once per folder and process.
 *
 * @param dir The folder to write to; by default a temporary folder shared by
 * the whole process and removed when it exits.
 * @returns Paths and PEM texts of every certificate and key.
 * @throws {Error} If `openssl` is missing or fails; the message has its stderr.
 *
 * @example
 * ```ts
 * import { makeCertificates } from "./mod.ts";
 *
 * const certs = await makeCertificates();
 * console.log(certs.caCert.pem.startsWith("-----BEGIN CERTIFICATE-----")); // true
 * ```
 */
export function makeCertificates(dir?: string): Promise<Certificates> {
  const target = dir ?? (defaultDir ??= makeDefaultDir());
  let pending = made.get(target);
  if (pending === undefined) {
    pending = generate(target);
    made.set(target, pending);
    pending.catch(() => made.delete(target));
  }
  return pending;
}

function makeDefaultDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "redwire-certs-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  // `deno test` fires no exit event; the watchdog removes the folder then.
  startWatchdog(`rm -rf ${shellQuote(dir)}`);
  return dir;
}

async function generate(dir: string): Promise<Certificates> {
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => join(dir, name);
  await Promise.all([
    selfSigned(path("ca.crt"), path("ca.key"), "redwire test CA"),
    selfSigned(path("untrusted-ca.crt"), path("untrusted-ca.key"), "redwire untrusted CA"),
  ]);
  await Promise.all([
    signed(
      dir,
      "server",
      "localhost",
      "subjectAltName=IP:127.0.0.1,DNS:localhost\n" +
        "extendedKeyUsage=serverAuth\n",
    ),
    signed(
      dir,
      "client",
      "redwire-client",
      "subjectAltName=DNS:redwire-client\n" +
        "extendedKeyUsage=clientAuth\n",
    ),
  ]);
  const file = (name: string): CertificateFile => ({
    path: path(name),
    pem: readFileSync(path(name), "utf8"),
  });
  return {
    dir,
    caCert: file("ca.crt"),
    caKey: file("ca.key"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientCert: file("client.crt"),
    clientKey: file("client.key"),
    untrustedCaCert: file("untrusted-ca.crt"),
  };
}

const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function selfSigned(certPath: string, keyPath: string, name: string): Promise<void> {
  // deno-fmt-ignore
  return openssl([
    "req", "-x509", ...EC_KEY, "-keyout", keyPath, "-out", certPath, "-days", "2",
    "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

async function signed(dir: string, name: string, commonName: string, ext: string): Promise<void> {
  const path = (suffix: string) => join(dir, `${name}.${suffix}`);
  writeFileSync(path("ext"), `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n${ext}`);
  // deno-fmt-ignore
  await openssl([
    "req", "-new", ...EC_KEY, "-keyout", path("key"), "-out", path("csr"),
    "-subj", `/CN=${commonName}`,
  ]);
  // deno-fmt-ignore
  await openssl([
    "x509", "-req", "-in", path("csr"), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"),
    "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", "2",
    "-extfile", path("ext"), "-out", path("crt"),
  ]);
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      const command = `openssl ${args.slice(0, 2).join(" ")}`;
      reject(
        new Error(`${command} failed: ${String(stderr).trim() || error.message}`, {
          cause: error,
        }),
      );
    });
  });
}
