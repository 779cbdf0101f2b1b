import { App as AntApp, Button, Card, Col, Input, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, AuditPackageVerifyResult, ExportKind, ExportResult, ExportedFile, SessionUser } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { NetProfitChart } from '../components/NetProfitChart';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { useI18n } from '../i18n';
import { previousMonth } from './Close';
import { GmvTable } from './Sync';

function Figure({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return <Statistic title={label} valueRender={() => <span data-testid={testId}><Amount value={value} /></span>} />;
}

function ExportPanel({ month, fileDialogAvailable, mayExport }: { month: string; fileDialogAvailable: boolean; mayExport: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const progress = useTaskProgress();
  const [directory, setDirectory] = useState('');
  const [running, setRunning] = useState<ExportKind | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [verification, setVerification] = useState<AuditPackageVerifyResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function chooseDirectory() {
    try {
      const chosen = await call('chooseDirectory', {});
      if (chosen.path) setDirectory(chosen.path);
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  async function run(kind: ExportKind) {
    setRunning(kind);
    setError(null);
    setVerification(null);
    try {
      const exported = await call('exportMonth', { month, kind, directory: directory.trim() });
      setResult(exported);
      void message.success(t('reports.exported', { count: exported.files.length }));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(null);
    }
  }

  async function verify(packageDirectory: string) {
    setError(null);
    try {
      setVerification(await call('verifyAuditPackage', { directory: packageDirectory }));
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  const ready = mayExport && directory.trim().length > 0 && running === null;
  return (
    <Card size="small" title={t('reports.exportTitle')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <label>
            {t('reports.folder')}{' '}
            <Input style={{ width: 420 }} value={directory} onChange={(event) => setDirectory(event.target.value)} aria-label={t('reports.folder')} spellCheck={false} />
          </label>
          {fileDialogAvailable && <Button onClick={() => void chooseDirectory()}>{t('common.browse')}</Button>}
        </Space>
        <Space wrap>
          <Button onClick={() => void run('xlsx')} loading={running === 'xlsx'} disabled={!ready}>
            {t('reports.exportXlsx')}
          </Button>
          <Button onClick={() => void run('pdf')} loading={running === 'pdf'} disabled={!ready}>
            {t('reports.exportPdf')}
          </Button>
          <Button type="primary" onClick={() => void run('auditPackage')} loading={running === 'auditPackage'} disabled={!ready}>
            {t('reports.exportAudit')}
          </Button>
          {!mayExport && <Typography.Text type="secondary">{t('reports.noPermission')}</Typography.Text>}
        </Space>
        <TaskProgress progress={progress} running={running !== null} />
        <ErrorAlert error={error} />
        {result && (
          <>
            <Space>
              <Typography.Text strong data-testid="export-directory">
                {result.directory}
              </Typography.Text>
              {result.verified !== null && (
                <Tag color={result.verified ? 'green' : 'red'} data-testid="export-verified">
                  {result.verified ? t('reports.packageVerified') : t('reports.packageBroken')}
                </Tag>
              )}
              {result.kind === 'auditPackage' && (
                <Button size="small" onClick={() => void verify(result.directory)}>
                  {t('reports.verifyAgain')}
                </Button>
              )}
            </Space>
            <Table<ExportedFile>
              size="small"
              rowKey="path"
              pagination={false}
              dataSource={result.files}
              data-testid="export-files"
              columns={[
                { title: t('import.file'), dataIndex: 'path', render: (value: string) => value.slice(result.directory.length + 1) || value },
                { title: t('reports.bytes'), dataIndex: 'bytes', align: 'right' },
                { title: 'SHA-256', dataIndex: 'sha256', render: (value: string) => <code title={value}>{value.slice(0, 16)}…</code> },
                {
                  title: t('reports.signed'),
                  dataIndex: 'signed',
                  render: (value: boolean | null) => (value === null ? '' : <Tag color={value ? 'green' : 'red'}>{value ? t('reports.signedYes') : t('reports.signedNo')}</Tag>),
                },
              ]}
            />
          </>
        )}
        {verification && (
          <Tag color={verification.ok ? 'green' : 'red'} data-testid="reverify-state">
            {verification.ok ? t('reports.packageVerified') : verification.files.filter((file) => !file.ok).map((file) => `${file.path}: ${file.detail}`).join('; ')}
          </Tag>
        )}
      </Space>
    </Card>
  );
}

/** The month's overview, the six-month net profit chart, GMV per day, discrepancies, and exports. */
export function Reports({ user, today, fileDialogAvailable }: { user: SessionUser; today: string; fileDialogAvailable: boolean }) {
  const { t, td } = useI18n();
  const [month, setMonth] = useState(previousMonth(today));
  const overview = useQuery('monthlyOverview', /^\d{4}-\d{2}$/.test(month) ? { month } : null);
  const data = overview.data;
  const mayExport = user.permissions.includes('report.export');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.reports')}</Typography.Title>
      <label>
        {t('close.month')} <Input type="month" style={{ width: 180 }} value={month} onChange={(event) => setMonth(event.target.value)} aria-label={t('close.month')} />
      </label>
      <ErrorAlert error={overview.error} />
      {data && (
        <>
          <Card size="small" title={t('reports.overview', { month: data.month })} data-testid="report-overview">
            <Row gutter={[16, 16]}>
              <Col span={6}><Figure label={t('reports.revenue')} value={data.revenueFen} /></Col>
              <Col span={6}><Figure label={t('reports.returns')} value={data.returnsFen} /></Col>
              <Col span={6}><Figure label={t('reports.refundsPaid')} value={data.refundsPaidFen} /></Col>
              <Col span={6}><Figure label={t('reports.channelFees')} value={data.channelFeesFen} /></Col>
              <Col span={6}><Figure label={t('reports.commissionExpense')} value={data.commissionExpenseFen} /></Col>
              <Col span={6}><Figure label={t('reports.commissionPayouts')} value={data.commissionPayoutsFen} /></Col>
              <Col span={6}><Figure label={t('reports.pointsCost')} value={data.pointsCostFen} /></Col>
              <Col span={6}><Figure label={t('reports.netProfit')} value={data.netProfitFen} testId="net-profit" /></Col>
              <Col span={6}><Figure label={t('reports.storedValueOpening')} value={data.storedValue.openingFen} /></Col>
              <Col span={6}><Figure label={t('reports.storedValueTopUps')} value={data.storedValue.topUpsFen} /></Col>
              <Col span={6}><Figure label={t('reports.storedValueConsumption')} value={data.storedValue.consumptionFen} /></Col>
              <Col span={6}><Figure label={t('reports.storedValueClosing')} value={data.storedValue.closingFen} /></Col>
            </Row>
          </Card>
          <Row gutter={16}>
            <Col span={14}>
              <Card size="small" title={t('reports.netProfitChart')}>
                <NetProfitChart series={data.netProfitSeries} label={t('reports.netProfitChart')} />
              </Card>
            </Col>
            <Col span={10}>
              <Card size="small" title={t('reports.discrepancies')} data-testid="report-discrepancies">
                {data.discrepancies.available ? (
                  <Space direction="vertical">
                    <Typography.Text>{t('reports.discrepancySummary', { open: data.discrepancies.openCount, resolved: data.discrepancies.resolvedCount, rate: data.discrepancies.discrepancyRate })}</Typography.Text>
                    <Typography.Text>
                      {t('reconcile.openDifference')}: <Amount value={data.discrepancies.openDifferenceFen} />
                    </Typography.Text>
                    <Space wrap>
                      {data.discrepancies.byCategory.map((entry) => (
                        <Tag key={entry.category} color="red">
                          {td('category', entry.category)} {entry.openCount}
                        </Tag>
                      ))}
                    </Space>
                  </Space>
                ) : (
                  <Typography.Text type="secondary">{t('reports.notReconciled')}</Typography.Text>
                )}
              </Card>
            </Col>
          </Row>
          <Card
            size="small"
            title={t('reports.gmvTitle')}
            extra={
              <Tag color={data.gmv.matches ? 'green' : 'red'} data-testid="gmv-state">
                {data.gmv.matches ? t('reports.gmvMatches') : t('reports.gmvDiffers', { days: data.gmv.daysWithDifference })}
              </Tag>
            }
          >
            <Space style={{ marginBottom: 8 }}>
              <span>{t('reports.booksGmv')}: <Amount value={data.gmv.booksGmvFen} /></span>
              <span>{t('reports.mallGmv')}: {data.gmv.mallGmvFen === null ? t('reports.noSummary') : <Amount value={data.gmv.mallGmvFen} />}</span>
            </Space>
            <GmvTable days={data.gmv.days} testId="gmv-table" />
          </Card>
        </>
      )}
      <ExportPanel month={month} fileDialogAvailable={fileDialogAvailable} mayExport={mayExport} />
    </Space>
  );
}
