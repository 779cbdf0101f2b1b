import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExportResult, ExportedFile } from '../api';
import { LedgerdeskError } from '../core/errors';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, verifyAuditPackage, writeAuditPackage } from '../core/exports/audit-package';
import { renderMonthPdf, detailSection } from '../core/exports/month-pdf';
import { balanceReport, refundReport, transactionReport, writeDetailWorkbook, writeMonthWorkbook, type DetailReport } from '../core/exports/month-workbook';
import { renderReportPdf } from '../core/exports/pdf';
import { monthPeriod } from '../core/reports';
import { createSealSvg } from '../core/seal/seal-image';
import { signPdf } from '../core/seal/sign-pdf';
import type { Workspace } from '../core/workspace';
import { asSealError, loadStoredSeal } from './seal-store';
import type { ReportProgress } from './tasks';

/**
 * The month's exports, composed from core (reports, exports, seal): the Excel workbook, the PDF
 * report, and the sealed audit package (DESIGN.md section 8: transaction, refund and
 * balance-change details as signed PDFs with a visible red seal, the same data as Excel, and a
 * signed manifest of SHA-256 hashes). Runs in a worker thread (tasks.ts).
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

function auditReports(workspace: Workspace, month: string): DetailReport[] {
  const period = monthPeriod(month);
  return [
    transactionReport(workspace.sqlite, period),
    refundReport(workspace.sqlite, period),
    balanceReport(workspace.sqlite, 'stored_value', period),
    balanceReport(workspace.sqlite, 'balance', period),
    balanceReport(workspace.sqlite, 'points', period),
  ];
}

async function writeAuditPackageForMonth(workspace: Workspace, month: string, directory: string, now: Date, report: ReportProgress): Promise<ExportResult> {
  const seal = loadStoredSeal(workspace);
  if (!seal) throw new LedgerdeskError('seal_invalid', 'no seal certificate yet: create a trial seal or import a .p12 in Settings');
  const company = workspace.info().companyName;
  const packageDirectory = join(directory, `审计包-${month}`);
  if (existsSync(packageDirectory) && readdirSync(packageDirectory).length > 0) {
    throw new LedgerdeskError('conflict', `${packageDirectory} already exists and is not empty`);
  }
  const reports = auditReports(workspace, month);
  const steps = reports.length * 2 + 1;
  let done = 0;
  const sealSvg = createSealSvg({ companyName: company, caption: '电子签章' });
  const pdfs: { name: string; buffer: Buffer }[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'ledgerdesk-audit-'));
  try {
    for (const detail of reports) {
      report(`pdf:${detail.key}`, done, steps);
      const unsigned = await renderReportPdf({ title: detail.titleZh, company, period: month, sections: [detailSection(detail)], generatedAt: now, seal: { svg: sealSvg } });
      const signed = await signPdf(unsigned, seal.p12, seal.password, { reason: `${month} 审计资料`, location: '中国', name: company, signingTime: now }).catch((error: unknown) => {
        throw asSealError(error);
      });
      pdfs.push({ name: detail.titleZh, buffer: signed });
      done += 1;
    }
    const workbooks: { name: string; path: string }[] = [];
    for (const detail of reports) {
      report(`xlsx:${detail.key}`, done, steps);
      const path = join(scratch, `${detail.key}.xlsx`);
      await writeDetailWorkbook(detail, path, { createdAt: now });
      workbooks.push({ name: detail.titleZh, path });
      done += 1;
    }
    report('manifest', done, steps);
    const { manifest } = await writeAuditPackage(packageDirectory, { company, period: month, createdAt: now, pdfs, workbooks, seal }).catch((error: unknown) => {
      throw asSealError(error);
    });
    const check = await verifyAuditPackage(packageDirectory);
    const okByPath = new Map(check.files.map((file) => [file.path, file.ok]));
    const files: ExportedFile[] = manifest.files.map((entry) => ({
      path: join(packageDirectory, ...entry.path.split('/')),
      bytes: entry.bytes,
      sha256: entry.sha256,
      signed: entry.kind === 'pdf' ? (okByPath.get(entry.path) ?? false) : null,
    }));
    files.push(describe(join(packageDirectory, MANIFEST_FILE), okByPath.get(MANIFEST_FILE) ?? false));
    files.push(describe(join(packageDirectory, MANIFEST_SIGNATURE_FILE), okByPath.get(MANIFEST_SIGNATURE_FILE) ?? okByPath.get(MANIFEST_FILE) ?? false));
    report('manifest', steps, steps);
    return { kind: 'auditPackage', directory: packageDirectory, files, verified: check.ok };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function exportMonth(workspace: Workspace, month: string, kind: ExportResult['kind'], targetDirectory: string, now: Date, report: ReportProgress): Promise<ExportResult> {
  const directory = resolve(targetDirectory);
  mkdirSync(directory, { recursive: true });
  if (!statSync(directory).isDirectory()) throw new LedgerdeskError('invalid_input', `${directory} is not a folder`);
  if (kind === 'auditPackage') return writeAuditPackageForMonth(workspace, month, directory, now, report);
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
