import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth/users';
import { LedgerdeskError } from '../errors';
import { dateRangePeriod, type ReportPeriod } from '../reports';
import { checkSealUsable, readSeal, SealError } from '../seal/certificate';
import { createSealSvg } from '../seal/seal-image';
import { signPdf } from '../seal/sign-pdf';
import type { Workspace } from '../workspace';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, writeAuditPackage } from './audit-package';
import { writeWorkbook, type TableSheetSpec } from './excel';
import { COMPACT_COLUMN_COUNT_MIN, pdfColumns } from './month-pdf';
import { balanceReport, refundReport, transactionReport, type DetailReport } from './month-workbook';
import { PDF_TABLE_ROW_COUNT_MAX, renderReportPdf, type ReportSection } from './pdf';
import { loadWorkspaceSeal, type StoredSeal } from './workspace-seal';

/**
 * The sealed audit package of a period (DESIGN.md section 8): the transaction details, the
 * refund details and the balance-change ledger (stored value, balance, points) as PDFs that
 * carry the visible red seal on every page and a PAdES signature, the same data as Excel
 * workbooks, and a signed manifest of SHA-256 hashes (exports/audit-package).
 */

export interface AuditExportOptions {
  /** Business dates, both included (YYYY-MM-DD, Asia/Shanghai). */
  from: string;
  to: string;
  /** An empty or missing folder. */
  outDir: string;
  /** A seal given for this export; default: the workspace seal. */
  seal?: StoredSeal;
  /** Rows above which a report cannot go into a signed PDF (pdfmake lays out in memory). */
  pdfRowCountMax?: number;
}

export interface AuditExportFile {
  /** Path inside the package, '/'-separated. */
  path: string;
  sha256: string;
  /** PDFs carry their own signature; the manifest is signed by manifest.json.p7s. */
  signed: boolean;
}

export interface AuditExportResult {
  directory: string;
  period: string;
  seal: { subject: string; fingerprintSha256: string };
  files: AuditExportFile[];
}

interface AuditDocument {
  name: string;
  title: string;
  reports: DetailReport[];
}

function auditDocuments(workspace: Workspace, period: ReportPeriod): AuditDocument[] {
  const sqlite = workspace.sqlite;
  return [
    { name: '交易明细', title: '交易明细', reports: [transactionReport(sqlite, period)] },
    { name: '退款明细', title: '退款明细', reports: [refundReport(sqlite, period)] },
    {
      name: '余额变动明细账',
      title: '余额变动明细账',
      reports: [balanceReport(sqlite, 'stored_value', period), balanceReport(sqlite, 'balance', period), balanceReport(sqlite, 'points', period)],
    },
  ];
}

function sealError(error: unknown): never {
  if (error instanceof SealError) throw new LedgerdeskError('seal_invalid', `the seal cannot sign: ${error.message}`, { reason: error.code });
  throw error;
}

export async function exportAuditPackage(workspace: Workspace, actor: Actor, options: AuditExportOptions): Promise<AuditExportResult> {
  requirePermission(actor, 'report.export');
  const period = dateRangePeriod(options.from, options.to);
  const seal = options.seal ?? loadWorkspaceSeal(workspace);
  if (!seal) {
    throw new LedgerdeskError('not_found', 'no seal: import one into the workspace (ledgerdesk seal import) or pass --seal FILE.p12 --seal-pass-env VAR');
  }
  const read = readSeal(seal.p12, seal.password);
  if (!read.ok) throw new LedgerdeskError('seal_invalid', `the seal cannot be opened: ${read.error.message}`, { reason: read.error.code });
  const now = workspace.clock.now();
  // Refused before any file is written: an expired or not-yet-valid seal signs nothing.
  const usable = checkSealUsable(read.info, now);
  if (!usable.ok) throw new LedgerdeskError('seal_invalid', `the seal cannot sign: ${usable.error.message}`, { reason: usable.error.code });

  const company = workspace.info().companyName;
  const documents = auditDocuments(workspace, period);
  const rowCountMax = options.pdfRowCountMax ?? PDF_TABLE_ROW_COUNT_MAX;
  for (const document of documents) {
    for (const report of document.reports) {
      const rowCount = report.rowCount();
      if (rowCount > rowCountMax) {
        throw new LedgerdeskError(
          'invalid_input',
          `${report.titleZh} has ${rowCount} rows for ${period.label}, more than a signed PDF can hold (${rowCountMax}); export a shorter period`,
        );
      }
    }
  }

  const sealSvg = createSealSvg({ companyName: read.info.subject || company, caption: '财务专用章' });
  const scratch = await mkdtemp(join(tmpdir(), 'ledgerdesk-audit-'));
  try {
    const pdfs: { name: string; buffer: Buffer }[] = [];
    const workbooks: { name: string; path: string }[] = [];
    for (const document of documents) {
      const sections: ReportSection[] = document.reports.map((report) => ({
        type: 'table',
        title: document.reports.length > 1 ? report.titleZh : undefined,
        columns: pdfColumns(report.columns),
        rows: report.rows,
        compact: report.columns.length >= COMPACT_COLUMN_COUNT_MIN,
      }));
      const pdf = await renderReportPdf({ title: document.title, company, period: period.label, sections, generatedAt: now, seal: { svg: sealSvg, everyPage: true }, pageOrientation: 'landscape' });
      const signed = await signPdf(pdf, seal.p12, seal.password, { reason: `${document.title} ${period.label} 审计导出`, location: company, name: company, signingTime: now }).catch(sealError);
      pdfs.push({ name: document.name, buffer: signed });
      const workbookPath = join(scratch, `${document.name}.xlsx`);
      const sheets: TableSheetSpec[] = document.reports.map((report) => ({ name: report.titleZh, columns: report.columns, rows: report.rows }));
      await writeWorkbook(workbookPath, sheets, { createdAt: now, creator: 'Ledgerdesk' });
      workbooks.push({ name: document.name, path: workbookPath });
    }
    const { manifest } = await writeAuditPackage(options.outDir, { company, period: period.label, createdAt: now, pdfs, workbooks, seal }).catch(sealError);
    const manifestBytes = await readFile(join(options.outDir, MANIFEST_FILE));
    const files: AuditExportFile[] = [
      ...manifest.files.map((file) => ({ path: file.path, sha256: file.sha256, signed: file.kind === 'pdf' })),
      { path: MANIFEST_FILE, sha256: createHash('sha256').update(manifestBytes).digest('hex'), signed: true },
    ];
    // An auditor's read-only copy cannot record anything; its package carries its own manifest.
    if (!workspace.sqlite.readonly) appendAudit(
      workspace.sqlite,
      {
        userName: actor.userName,
        action: 'audit.export',
        objectType: 'audit_package',
        objectId: period.label,
        detail: {
          from: options.from,
          to: options.to,
          directory: options.outDir,
          seal_fingerprint: read.info.fingerprintSha256,
          files: files.map((file) => ({ path: file.path, sha256: file.sha256 })),
          signature_file: MANIFEST_SIGNATURE_FILE,
        },
      },
      now,
    );
    return { directory: options.outDir, period: period.label, seal: { subject: read.info.subject, fingerprintSha256: read.info.fingerprintSha256 }, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
