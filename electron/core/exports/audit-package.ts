import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { z } from 'zod';
import { openSeal, SealError, assertSealUsable } from '../seal/certificate';
import { createCadesDetachedSignature, verifyDetachedSignature } from '../seal/cms';
import { verifyPdfSignature } from '../seal/verify-pdf';

/**
 * The audit package of a period: the signed PDFs, the same data as Excel workbooks, and
 * manifest.json listing the SHA-256 of every file. The manifest itself is signed with the seal
 * (manifest.json.p7s, detached CAdES), so editing it (a hash, the period, the company) is caught
 * as well as a changed, missing or extra file. Verification needs no external tool.
 */

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_SIGNATURE_FILE = 'manifest.json.p7s';
const PDF_FOLDER = 'pdf';
const EXCEL_FOLDER = 'excel';

export interface AuditPackageInput {
  company: string;
  period: string;
  createdAt: Date;
  /** Already signed PDFs (seal/signPdf). */
  pdfs: readonly { name: string; buffer: Buffer }[];
  /** Workbooks written by writeWorkbook, copied into the package. */
  workbooks: readonly { name: string; path: string }[];
  /** The seal that signed the PDFs; it also signs the manifest. */
  seal: { p12: Buffer; password: string };
}

const manifestSchema = z.object({
  format: z.literal('ledgerdesk-audit-package'),
  version: z.literal(1),
  company: z.string(),
  period: z.string(),
  created_at: z.string(),
  seal: z.object({ subject: z.string(), fingerprint_sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  files: z.array(
    z.object({
      path: z.string(),
      kind: z.enum(['pdf', 'xlsx']),
      bytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

export type AuditManifest = z.infer<typeof manifestSchema>;

export interface PackageFileCheck {
  /** Path inside the package, '/'-separated. */
  path: string;
  ok: boolean;
  detail: string;
}

export interface AuditPackageCheck {
  ok: boolean;
  files: PackageFileCheck[];
}

export async function writeAuditPackage(directory: string, input: AuditPackageInput): Promise<{ manifest: AuditManifest }> {
  const opened = openSeal(input.seal.p12, input.seal.password);
  if (!opened.ok) throw new SealError(opened.error);
  assertSealUsable(opened.seal.info, input.createdAt);
  // Names are unique per folder: 交易明细.pdf and 交易明细.xlsx may share a name.
  assertFileNames(input.pdfs.map((pdf) => withExtension(pdf.name, '.pdf')));
  assertFileNames(input.workbooks.map((workbook) => withExtension(workbook.name, '.xlsx')));

  await mkdir(directory, { recursive: true });
  if ((await readdir(directory)).length > 0) throw new Error(`audit package folder is not empty: ${directory}`);
  await mkdir(join(directory, PDF_FOLDER));
  await mkdir(join(directory, EXCEL_FOLDER));

  const files: AuditManifest['files'] = [];
  for (const pdf of input.pdfs) {
    const path = posix.join(PDF_FOLDER, withExtension(pdf.name, '.pdf'));
    await writeFile(join(directory, path), pdf.buffer);
    files.push({ path, kind: 'pdf', bytes: pdf.buffer.length, sha256: sha256Hex(pdf.buffer) });
  }
  for (const workbook of input.workbooks) {
    const path = posix.join(EXCEL_FOLDER, withExtension(workbook.name, '.xlsx'));
    await copyFile(workbook.path, join(directory, path));
    const bytes = await readFile(join(directory, path));
    files.push({ path, kind: 'xlsx', bytes: bytes.length, sha256: sha256Hex(bytes) });
  }
  const manifest: AuditManifest = {
    format: 'ledgerdesk-audit-package',
    version: 1,
    company: input.company,
    period: input.period,
    created_at: input.createdAt.toISOString(),
    seal: { subject: opened.seal.info.subject, fingerprint_sha256: opened.seal.info.fingerprintSha256 },
    files,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  await writeFile(join(directory, MANIFEST_FILE), manifestBytes);
  await writeFile(
    join(directory, MANIFEST_SIGNATURE_FILE),
    createCadesDetachedSignature({
      content: manifestBytes,
      privateKeyPem: opened.seal.privateKeyPem,
      certificate: opened.seal.certificate,
      certificates: opened.seal.certificates,
    }),
  );
  return { manifest };
}

export async function verifyAuditPackage(directory: string): Promise<AuditPackageCheck> {
  const checks: PackageFileCheck[] = [];
  const present = new Set(await listFiles(directory));
  const manifestResult = await readManifest(directory, present);
  checks.push(...manifestResult.checks);
  const manifest = manifestResult.manifest;
  const expected = new Set([MANIFEST_FILE, MANIFEST_SIGNATURE_FILE]);

  if (manifest) {
    for (const entry of manifest.files) {
      expected.add(entry.path);
      checks.push(await checkListedFile(directory, entry, present, manifest.seal.fingerprint_sha256));
    }
  }
  for (const path of [...present].sort()) {
    if (!expected.has(path)) checks.push({ path, ok: false, detail: 'extra file not listed in the manifest' });
  }
  return { ok: checks.every((check) => check.ok), files: checks };
}

async function readManifest(
  directory: string,
  present: Set<string>,
): Promise<{ manifest?: AuditManifest; checks: PackageFileCheck[] }> {
  if (!present.has(MANIFEST_FILE)) return { checks: [{ path: MANIFEST_FILE, ok: false, detail: 'missing' }] };
  const bytes = await readFile(join(directory, MANIFEST_FILE));
  let manifest: AuditManifest;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) {
      return { checks: [{ path: MANIFEST_FILE, ok: false, detail: `not a valid manifest: ${parsed.error.issues[0]?.message}` }] };
    }
    manifest = parsed.data;
  } catch (error) {
    return { checks: [{ path: MANIFEST_FILE, ok: false, detail: `not JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const unsafe = manifest.files.find((entry) => !isSafeRelativePath(entry.path));
  if (unsafe) return { checks: [{ path: MANIFEST_FILE, ok: false, detail: `unsafe path in manifest: ${unsafe.path}` }] };

  if (!present.has(MANIFEST_SIGNATURE_FILE)) {
    return { manifest, checks: [{ path: MANIFEST_FILE, ok: false, detail: `${MANIFEST_SIGNATURE_FILE} missing` }] };
  }
  const signature = verifyDetachedSignature(await readFile(join(directory, MANIFEST_SIGNATURE_FILE)), bytes);
  if (!signature.ok) return { manifest, checks: [{ path: MANIFEST_FILE, ok: false, detail: `manifest signature: ${signature.detail}` }] };
  if (signature.signer?.fingerprintSha256 !== manifest.seal.fingerprint_sha256) {
    return { manifest, checks: [{ path: MANIFEST_FILE, ok: false, detail: 'manifest signed by a different seal than it names' }] };
  }
  return {
    manifest,
    checks: [
      { path: MANIFEST_FILE, ok: true, detail: `signed by ${signature.signer.subject}` },
      { path: MANIFEST_SIGNATURE_FILE, ok: true, detail: 'manifest signature valid' },
    ],
  };
}

async function checkListedFile(
  directory: string,
  entry: AuditManifest['files'][number],
  present: Set<string>,
  sealFingerprint: string,
): Promise<PackageFileCheck> {
  if (!present.has(entry.path)) return { path: entry.path, ok: false, detail: 'missing' };
  const bytes = await readFile(join(directory, entry.path));
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256 || bytes.length !== entry.bytes) {
    return { path: entry.path, ok: false, detail: `SHA-256 mismatch (manifest ${entry.sha256}, file ${actual})` };
  }
  if (entry.kind !== 'pdf') return { path: entry.path, ok: true, detail: 'SHA-256 matches' };
  const signature = verifyPdfSignature(bytes);
  if (!signature.ok) return { path: entry.path, ok: false, detail: `PDF signature: ${signature.detail}` };
  if (signature.signer?.fingerprintSha256 !== sealFingerprint) {
    return { path: entry.path, ok: false, detail: 'PDF signed by a different seal than the manifest names' };
  }
  return { path: entry.path, ok: true, detail: `SHA-256 matches; signature valid (${signature.signer.subject})` };
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(directory, join(entry.parentPath ?? entry.path, entry.name)).split(sep).join('/'));
}

function isSafeRelativePath(path: string): boolean {
  return !isAbsolute(path) && !path.includes('\\') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const unsafeNameCharacters = /[/\\:*?"<>|\u0000-\u001f]/;

function assertFileNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (name.trim() === '' || unsafeNameCharacters.test(name) || name === '.' || name === '..') {
      throw new RangeError(`unsafe file name in audit package: "${name}"`);
    }
    const folded = name.toLowerCase();
    if (seen.has(folded)) throw new RangeError(`duplicate file name in audit package: "${name}"`);
    seen.add(folded);
  }
}

function withExtension(name: string, extension: string): string {
  return name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
