#!/usr/bin/env node
// Independent verifier for EU Digital COVID Certificates (HC1 strings), used by the Lindungi
// tests to check what certificate-service issues. It shares no code with the C++ implementation:
// Base45 comes from `base45`, zlib from `pako`, CBOR from `cbor` and the COSE_Sign1 ES256
// signature check from `cose-js`; Node's crypto only reads the X.509 certificate.
//
//   node verify.js --cert signer.pem [--at 2026-11-28T00:00:00Z] <HC1 string | @file | ->
//
// Prints one JSON object on stdout:
//   {"valid":true|false,"reason":"ok"|"<why>","kid":"hex","iss":"ID","iat":N,"exp":N,
//    "at":N,"dcc":{...}}
// Exit code 0 when valid, 1 when invalid, 2 on usage errors (message on stderr, nothing on stdout).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const base45 = require('base45');
const cbor = require('cbor');
const cose = require('cose-js');
const pako = require('pako');

const USAGE = `usage: node verify.js --cert CERT [--at TIME] <HC1 string | @file | ->

  --cert CERT   X.509 certificate of the document signer (PEM or DER)
  --at TIME     verification time: ISO 8601 (2026-11-28T00:00:00Z) or Unix seconds;
                default: now
  @file         read the HC1 string from a file; "-" reads it from standard input

Prints one JSON object; exit 0 = valid, 1 = invalid, 2 = usage error.`;

const MAX_INPUT_CHARS = 4 * 1024 * 1024;   // HC1 text we are willing to look at
const MAX_INFLATED_BYTES = 1024 * 1024;    // zlib bomb guard (a real DCC is < 4 KB)
const MAX_CBOR_DEPTH = 32;                 // CBOR nesting bomb guard

// Claim keys (CWT, RFC 8392; HCERT spec).
const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_IAT = 6;
const CLAIM_HCERT = -260;
const HCERT_EU_DCC = 1;
// COSE header labels (RFC 9052) and the ES256 algorithm id.
const HDR_ALG = 1;
const HDR_KID = 4;
const ALG_ES256 = -7;
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;

// Extended key usages a DSC may carry (EU DCC technical specification vol. 1, DSC profile);
// both arcs occur in the wild. No DCC EKU at all means "may sign every type".
const DCC_EKU = {
  t: ['1.3.6.1.4.1.1847.2021.1.1', '1.3.6.1.4.1.0.1847.2021.1.1'],
  v: ['1.3.6.1.4.1.1847.2021.1.2', '1.3.6.1.4.1.0.1847.2021.1.2'],
  r: ['1.3.6.1.4.1.1847.2021.1.3', '1.3.6.1.4.1.0.1847.2021.1.3'],
};

class UsageError extends Error {}

class Invalid extends Error {}

function parseArgs(argv) {
  const opts = { cert: null, at: null, input: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '-h' || a === '--help') {
      opts.help = true;
    } else if (a === '--cert') {
      opts.cert = value();
    } else if (a.startsWith('--cert=')) {
      opts.cert = a.slice('--cert='.length);
    } else if (a === '--at') {
      opts.at = value();
    } else if (a.startsWith('--at=')) {
      opts.at = a.slice('--at='.length);
    } else if (a.startsWith('--')) {
      throw new UsageError(`unknown option ${a}`);
    } else if (opts.input === null) {
      opts.input = a;
    } else {
      throw new UsageError('more than one HC1 argument');
    }
  }
  if (opts.help) return opts;
  if (!opts.cert) throw new UsageError('--cert is required');
  if (opts.input === null) throw new UsageError('the HC1 string (or @file) is required');
  return opts;
}

function parseTime(text) {
  if (text === null) return Math.floor(Date.now() / 1000);
  if (/^-?\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(`--at: not an ISO 8601 time or Unix seconds: ${text}`);
  }
  return Math.floor(ms / 1000);
}

function readInput(arg) {
  let text;
  try {
    if (arg === '-') text = fs.readFileSync(0, 'utf8');
    else if (arg.startsWith('@')) text = fs.readFileSync(arg.slice(1), 'utf8');
    else text = arg;
  } catch (e) {
    throw new UsageError(`cannot read ${arg}: ${e.message}`);
  }
  return text.trim();
}

// The signer: public key as x/y (what cose-js wants), kid, and the DCC extended key usages.
function loadSigner(file) {
  let x509;
  try {
    x509 = new crypto.X509Certificate(fs.readFileSync(file));
  } catch (e) {
    throw new UsageError(`--cert ${file}: not a readable X.509 certificate (${e.message})`);
  }
  const key = x509.publicKey;
  const signer = {
    kid: crypto.createHash('sha256').update(x509.raw).digest().subarray(0, 8),
    eku: Array.isArray(x509.keyUsage) ? x509.keyUsage : [],
    keyType: key.asymmetricKeyType,
    curve: key.asymmetricKeyDetails && key.asymmetricKeyDetails.namedCurve,
  };
  if (signer.keyType === 'ec' && signer.curve === 'prime256v1') {
    const jwk = key.export({ format: 'jwk' });
    signer.x = Buffer.from(jwk.x, 'base64url');
    signer.y = Buffer.from(jwk.y, 'base64url');
  }
  return signer;
}

// base45 (the package) maps unknown characters and out-of-range groups to garbage instead of
// failing, so the input is checked against RFC 9285 before it is handed over.
const B45_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function checkBase45(text) {
  if (text.length % 3 === 1) throw new Invalid(`bad base45: length ${text.length} leaves a single character`);
  const v = (i) => {
    const n = B45_CHARSET.indexOf(text[i]);
    if (n < 0) throw new Invalid(`bad base45: character ${JSON.stringify(text[i])} at ${i}`);
    return n;
  };
  for (let i = 0; i < text.length; i += 3) {
    if (i + 2 < text.length) {
      if (v(i) + v(i + 1) * 45 + v(i + 2) * 2025 > 0xffff) throw new Invalid(`bad base45: group at ${i} exceeds 65535`);
    } else if (v(i) + v(i + 1) * 45 > 0xff) {
      throw new Invalid(`bad base45: final pair at ${i} exceeds 255`);
    }
  }
}

function inflate(data) {
  // windowBits 15 given explicitly: zlib framing only (pako would otherwise also accept gzip).
  const inflator = new pako.Inflate({ windowBits: 15 });
  let size = 0;
  const chunks = [];
  inflator.onData = (chunk) => {
    size += chunk.length;
    if (size > MAX_INFLATED_BYTES) throw new Invalid(`bad zlib: inflates beyond ${MAX_INFLATED_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  };
  inflator.push(data, true);
  if (inflator.err) throw new Invalid(`bad zlib: ${inflator.msg || 'error ' + inflator.err}`);
  if (!inflator.ended) throw new Invalid('bad zlib: truncated stream');
  return Buffer.concat(chunks);
}

function decodeCbor(bytes, what) {
  try {
    return cbor.decodeFirstSync(bytes, { preferMap: true, max_depth: MAX_CBOR_DEPTH });
  } catch (e) {
    throw new Invalid(`bad cbor: ${what}: ${e.message}`);
  }
}

// Size of the head of a CBOR tag item (major type 6) that starts `bytes`.
function tagHeadLength(bytes) {
  const ai = bytes[0] & 0x1f;
  if (ai < 24) return 1;
  return 1 + ({ 24: 1, 25: 2, 26: 4, 27: 8 }[ai] || 0);
}

const isMap = (m) => m instanceof Map;
const isBytes = (b) => Buffer.isBuffer(b) || b instanceof Uint8Array;
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);

// CBOR values to plain JSON: maps become objects, byte strings hex, dates ISO strings.
function toJson(v) {
  if (v instanceof Map) {
    const o = {};
    for (const [k, val] of v) o[String(k)] = toJson(val);
    return o;
  }
  if (Array.isArray(v)) return v.map(toJson);
  if (isBytes(v)) return Buffer.from(v).toString('hex');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof cbor.Tagged) return toJson(v.value);
  if (v === undefined) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

function verify(hc1, signer, at) {
  const out = { valid: false, reason: '', kid: null, iss: null, iat: null, exp: null, at, dcc: null };
  let problem = null;           // the first check that failed, in pipeline order
  const fail = (why) => { if (problem === null) problem = why; };
  try {
    if (hc1.length > MAX_INPUT_CHARS) throw new Invalid(`too long: ${hc1.length} characters`);
    if (!hc1.startsWith('HC1:')) throw new Invalid('bad prefix: expected "HC1:"');
    const b45 = hc1.slice(4);
    checkBase45(b45);
    const compressed = base45.decode(b45);
    const coseBytes = inflate(compressed);

    // COSE_Sign1, optionally wrapped in the CWT tag (61), tagged 18 or untagged.
    let message = decodeCbor(coseBytes, 'COSE message');
    let sign1Bytes = coseBytes;
    if (message instanceof cbor.Tagged && message.tag === TAG_CWT) {
      sign1Bytes = coseBytes.subarray(tagHeadLength(coseBytes));
      message = message.value;
    }
    if (message instanceof cbor.Tagged) {
      if (message.tag !== TAG_COSE_SIGN1) throw new Invalid(`bad cose: unexpected tag ${message.tag}`);
      message = message.value;
    }
    if (!Array.isArray(message) || message.length !== 4) throw new Invalid('bad cose: not a 4-element COSE_Sign1 array');
    const [protectedBytes, unprotected, payload, signature] = message;
    if (!isBytes(protectedBytes) || !isMap(unprotected) || !isBytes(payload) || !isBytes(signature)) {
      throw new Invalid('bad cose: COSE_Sign1 element types');
    }
    const protectedHdr = protectedBytes.length ? decodeCbor(protectedBytes, 'protected header') : new Map();
    if (!isMap(protectedHdr)) throw new Invalid('bad cose: protected header is not a map');

    // Header checks: the protected bucket wins over the unprotected one (HCERT spec 3.3.1).
    const alg = protectedHdr.has(HDR_ALG) ? protectedHdr.get(HDR_ALG) : unprotected.get(HDR_ALG);
    const kid = protectedHdr.has(HDR_KID) ? protectedHdr.get(HDR_KID) : unprotected.get(HDR_KID);
    if (isBytes(kid)) out.kid = Buffer.from(kid).toString('hex');
    if (num(alg) !== ALG_ES256) fail(`unsupported algorithm: ${alg === undefined ? 'none' : alg} (ES256 = -7 expected)`);
    else if (signer.x === undefined) fail(`unsupported key: certificate key is ${signer.keyType}${signer.curve ? ' ' + signer.curve : ''}, ES256 needs EC P-256`);
    if (!isBytes(kid)) fail('missing kid');
    else if (!Buffer.from(kid).equals(signer.kid)) fail(`kid mismatch: message ${out.kid}, certificate ${signer.kid.toString('hex')}`);

    if (problem === null) {
      try {
        cose.sign.verifySync(sign1Bytes, { key: { x: signer.x, y: signer.y } }, { defaultType: TAG_COSE_SIGN1 });
      } catch (e) {
        fail(/missmatch|mismatch/i.test(e.message) ? 'bad signature' : `bad signature: ${e.message}`);
      }
    }

    // CWT claims (decoded even when the signature failed, so that the output shows them).
    let claims;
    try {
      claims = decodeCbor(payload, 'CWT payload');
    } catch (e) {
      fail(e.message);
      claims = null;
    }
    if (claims !== null) {
      if (!isMap(claims)) {
        fail('bad cwt: payload is not a map');
      } else {
        const iss = claims.get(CLAIM_ISS);
        const iat = num(claims.get(CLAIM_IAT));
        const exp = num(claims.get(CLAIM_EXP));
        const hcert = claims.get(CLAIM_HCERT);
        if (typeof iss === 'string') out.iss = iss;
        if (typeof iat === 'number') out.iat = iat;
        if (typeof exp === 'number') out.exp = exp;
        const dcc = isMap(hcert) ? hcert.get(HCERT_EU_DCC) : undefined;
        if (isMap(dcc)) out.dcc = toJson(dcc);

        if (iss !== undefined && typeof iss !== 'string') fail('bad cwt: iss (1) is not a text string');
        if (typeof iat !== 'number') fail('bad cwt: iat (6) missing or not a number');
        if (typeof exp !== 'number') fail('bad cwt: exp (4) missing or not a number');
        if (!isMap(dcc)) fail('bad cwt: no hcert (-260) / eu_dcc_v1 (1) map');
        else checkKeyUsage(dcc, signer, fail);
        if (typeof iat === 'number' && at < iat) fail(`not yet valid: iat ${iat} is after ${at}`);
        if (typeof exp === 'number' && at >= exp) fail(`expired: exp ${exp} is not after ${at}`);
      }
    }
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    fail(e.message);
  }
  out.valid = problem === null;
  out.reason = problem === null ? 'ok' : problem;
  return out;
}

// A DSC that names DCC extended key usages may only sign the certificate types it names.
function checkKeyUsage(dcc, signer, fail) {
  const named = Object.values(DCC_EKU).flat().filter((oid) => signer.eku.includes(oid));
  if (named.length === 0) return;
  for (const type of ['v', 't', 'r']) {
    if (dcc.has(type) && !DCC_EKU[type].some((oid) => signer.eku.includes(oid))) {
      fail(`key usage: certificate type "${type}" is not among the signer's extended key usages (${named.join(', ')})`);
    }
  }
}

function main() {
  let opts;
  let signer;
  let at;
  let hc1;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    at = parseTime(opts.at);
    signer = loadSigner(opts.cert);
    hc1 = readInput(opts.input);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`verify.js: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  const result = verify(hc1, signer, at);
  process.stdout.write(JSON.stringify(result) + '\n');
  return result.valid ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main();
}

module.exports = { verify, loadSigner };
