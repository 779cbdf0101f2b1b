import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportResult, ExportedFile } from '../api';
import type { Actor } from '../core/auth';
import { addDays, nextMonth } from '../core/calendar/shanghai';
import { LedgerdeskError } from '../core/errors';
import { exportAuditPackage } from '../core/exports/audit-export';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, verifyAuditPackage } from '../core/exports/audit-package';
import { renderMonthPdf } from '../core/exports/month-pdf';
import { writeMonthWorkbook } from '../core/exports/month-workbook';
import type { Workspace } from '../core/workspace';
import type { ReportProgress } from './tasks';

/**
 * The month's exports from core/exports: the Excel workbook, the PDF report, and the sealed audit
 * package (exportAuditPackage, then verified again), each into a folder the user chose, never
 * overwriting a file. Runs in a worker thread (tasks.ts).
 */

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function describe(path: string, signed: boolean | null): ExportedFile {
  const bytes = readFileSync(path);
  return { path, bytes: bytes.length, sha256: sha256Hex(bytes), signed };
}

/** The target file must not exist: an export never overwrites what is already there. */
function freshFile(directory: string, name: string): string {
  const path = join(directory, name);
  if (existsSync(path)) throw new LedgerdeskError('conflict', `${path} already exists: choose another folder or move the file`);
  return path;
}

/** The core's sealed audit package, then re-verified, with each file's size and signature state. */
async function writeAuditPackageForMonth(workspace: Workspace, actor: Actor, month: string, directory: string, report: ReportProgress): Promise<ExportResult> {
  const packageDirectory = join(directory, `审计包-${month}`);
  if (existsSync(packageDirectory) && readdirSync(packageDirectory).length > 0) {
    throw new LedgerdeskError('conflict', `${packageDirectory} already exists and is not empty`);
  }
  report('auditPackage', 0, 2);
  const exported = await exportAuditPackage(workspace, actor, { from: `${month}-01`, to: addDays(`${nextMonth(month)}-01`, -1), outDir: packageDirectory });
  report('auditPackage:verify', 1, 2);
  const check = await verifyAuditPackage(packageDirectory);
  const okByPath = new Map(check.files.map((file) => [file.path, file.ok]));
  const listed = exported.files.map((file) => file.path);
  if (!listed.includes(MANIFEST_SIGNATURE_FILE)) listed.push(MANIFEST_SIGNATURE_FILE);
  const files = listed.map((path) => {
    const signable = path.endsWith('.pdf') || path === MANIFEST_FILE || path === MANIFEST_SIGNATURE_FILE;
    return describe(join(packageDirectory, ...path.split('/')), signable ? (okByPath.get(path) ?? false) : null);
  });
  report('auditPackage:verify', 2, 2);
  return { kind: 'auditPackage', directory: packageDirectory, files, verified: check.ok };
}

export async function exportMonth(workspace: Workspace, actor: Actor, month: string, kind: ExportResult['kind'], targetDirectory: string, now: Date, report: ReportProgress): Promise<ExportResult> {
  const directory = resolve(targetDirectory);
  mkdirSync(directory, { recursive: true });
  if (!statSync(directory).isDirectory()) throw new LedgerdeskError('invalid_input', `${directory} is not a folder`);
  if (kind === 'auditPackage') return writeAuditPackageForMonth(workspace, actor, month, directory, report);
  const company = workspace.info().companyName;
  if (kind === 'xlsx') {
    const path = freshFile(directory, `${company}-${month}-月度报表.xlsx`);
    report('xlsx', 0, 1);
    await writeMonthWorkbook(workspace, month, path, { createdAt: now });
    report('xlsx', 1, 1);
    return { kind, directory, files: [describe(path, null)], verified: null };
  }
  const path = freshFile(directory, `${company}-${month}-月度报表.pdf`);
  report('pdf', 0, 1);
  const { pdf } = await renderMonthPdf(workspace, month, { generatedAt: now });
  writeFileSync(path, pdf);
  report('pdf', 1, 1);
  return { kind, directory, files: [describe(path, null)], verified: null };
}
