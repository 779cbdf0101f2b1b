import { App as AntApp, Alert, Button, Card, Checkbox, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { payoutRouteNames, type ApiError, type CommissionRow, type PayoutResultsImportInfo, type PayoutRoute, type PayoutRow, type SessionUser, type SettlementRunResult } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { formatShanghaiTime } from '../format';
import { useI18n, type MessageKey } from '../i18n';

const payoutStateColors: Record<string, string> = { success: 'green', failed: 'red', cancelled: 'red', expired: 'red', created: 'default', accepted: 'blue', processing: 'blue', transferring: 'blue', wait_user_confirm: 'gold' };

function CommissionTable({ rows, loading, testId }: { rows: CommissionRow[]; loading?: boolean; testId?: string }) {
  const { t } = useI18n();
  return (
    <Table<CommissionRow>
      size="small"
      rowKey="commissionId"
      loading={loading}
      dataSource={rows}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: t('common.noData') }}
      data-testid={testId}
      rowClassName={(row) => (row.flagged ? 'discrepancy-row' : '')}
      columns={[
        { title: t('commissions.id'), dataIndex: 'commissionId' },
        { title: t('commissions.distributor'), dataIndex: 'distributorId' },
        { title: t('commissions.order'), key: 'order', render: (_value, row) => `${row.orderNo} / ${row.lineId} / L${row.level}` },
        { title: t('commissions.basis'), dataIndex: 'basisFen', align: 'right', render: (value: number | null) => (value === null ? '' : <Amount value={value} />) },
        { title: t('commissions.rate'), dataIndex: 'rate', align: 'right' },
        { title: t('commissions.mallAmount'), dataIndex: 'mallAmountFen', align: 'right', render: (value: number | null) => (value === null ? '' : <Amount value={value} />) },
        { title: t('commissions.computed'), dataIndex: 'computedAmountFen', align: 'right', render: (value: number | null) => (value === null ? '' : <Amount value={value} />) },
        {
          title: t('commissions.check'),
          key: 'flag',
          render: (_value, row) => (row.flagged ? <Tag color="red" title={row.flagReason ?? ''}>{t('commissions.mismatch')}</Tag> : <Tag color="green">{t('commissions.ok')}</Tag>),
        },
        { title: t('reconcile.status'), dataIndex: 'status' },
        { title: t('payouts.outBillNo'), key: 'payout', render: (_value, row) => row.payout?.outBillNo ?? '' },
      ]}
    />
  );
}

function CommissionsTab() {
  const { t } = useI18n();
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [distributor, setDistributor] = useState('');
  const list = useQuery('commissionsList', { flaggedOnly: flaggedOnly || undefined, distributorId: distributor.trim() || undefined });
  const flagged = list.data?.items.filter((row) => row.flagged).length ?? 0;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Checkbox checked={flaggedOnly} onChange={(event) => setFlaggedOnly(event.target.checked)}>
          {t('commissions.flaggedOnly')}
        </Checkbox>
        <Input.Search allowClear placeholder={t('commissions.distributor')} onSearch={setDistributor} style={{ width: 220 }} />
        <Typography.Text type="secondary">{t('commissions.count', { count: list.data?.items.length ?? 0, flagged })}</Typography.Text>
      </Space>
      <ErrorAlert error={list.error} />
      <CommissionTable rows={list.data?.items ?? []} loading={list.loading} testId="commissions-table" />
    </Space>
  );
}

function PayoutTable({ rows, expandCommissions, testId }: { rows: PayoutRow[]; expandCommissions?: CommissionRow[]; testId?: string }) {
  const { t, td } = useI18n();
  return (
    <Table<PayoutRow>
      size="small"
      rowKey="outBillNo"
      dataSource={rows}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: t('payouts.none') }}
      data-testid={testId}
      expandable={
        expandCommissions
          ? { expandedRowRender: (row) => <CommissionTable rows={expandCommissions.filter((commission) => commission.payout?.outBillNo === row.outBillNo)} /> }
          : undefined
      }
      rowClassName={(row) => (row.state === 'failed' || row.state === 'cancelled' || row.state === 'expired' ? 'discrepancy-row' : '')}
      columns={[
        { title: t('payouts.outBillNo'), dataIndex: 'outBillNo' },
        { title: t('payouts.kind'), dataIndex: 'kind', render: (value: string) => td('payoutKind', value) },
        { title: t('commissions.distributor'), dataIndex: 'partyId' },
        { title: t('withdrawals.amount'), dataIndex: 'amountFen', align: 'right', render: (value: number) => <Amount value={value} /> },
        { title: t('payouts.commissionCount'), dataIndex: 'commissionCount', align: 'right' },
        { title: t('withdrawals.method'), dataIndex: 'method', render: (value: string) => td('channel', value) },
        { title: t('reconcile.status'), dataIndex: 'state', render: (value: string) => <Tag color={payoutStateColors[value] ?? 'default'}>{td('payoutState', value)}</Tag> },
        { title: t('payouts.failure'), dataIndex: 'failureReason', render: (value: string | null) => value ?? '' },
        { title: t('payouts.updatedAt'), dataIndex: 'updatedAt', render: (value: string) => formatShanghaiTime(value) },
      ]}
    />
  );
}

function routeLabel(t: (key: MessageKey) => string, route: PayoutRoute | 'default'): string {
  return t(`payoutRoute.${route}` as MessageKey);
}

/**
 * The bank / Alipay sheets waiting to be paid by hand, and the import of their results sheet. In the
 * desktop shell the results file comes from a native dialog in main; where there is none (the test
 * bridge) the path is typed and main validates it.
 */
function PayoutResultsImport({ exportFiles, fileDialogAvailable, onImported }: { exportFiles: string[]; fileDialogAvailable: boolean; onImported(): void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [resultsPath, setResultsPath] = useState('');
  const [imported, setImported] = useState<PayoutResultsImportInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function runImport() {
    setError(null);
    setBusy(true);
    try {
      const path = fileDialogAvailable ? (await call('choosePayoutResultsFile', {})).path : resultsPath.trim();
      if (!path) return;
      const answer = await call('importPayoutResults', { path });
      setImported(answer);
      if (answer.applied.length > 0) {
        void message.success(t('payoutResults.applied', { count: answer.applied.length }));
        onImported();
      }
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card size="small" title={t('payoutResults.exportTitle')} data-testid="payout-export">
      <Typography.Paragraph type="secondary">{t('payoutResults.exportHint')}</Typography.Paragraph>
      {exportFiles.map((file) => (
        <Typography.Paragraph key={file} copyable={{ text: file }} data-testid="payout-export-file">
          <Typography.Text code>{file}</Typography.Text>
        </Typography.Paragraph>
      ))}
      <Space wrap>
        {!fileDialogAvailable && (
          <Input style={{ width: 420 }} value={resultsPath} onChange={(event) => setResultsPath(event.target.value)} placeholder={t('payoutResults.pathPlaceholder')} aria-label={t('payoutResults.path')} />
        )}
        <Button type="primary" onClick={() => void runImport()} loading={busy} disabled={!fileDialogAvailable && !resultsPath.trim()}>
          {fileDialogAvailable ? t('payoutResults.choose') : t('payoutResults.import')}
        </Button>
      </Space>
      <ErrorAlert error={error} />
      {imported && imported.errors.length === 0 && imported.applied.length > 0 && (
        <Alert style={{ marginTop: 8 }} type="success" showIcon message={t('payoutResults.applied', { count: imported.applied.length })} data-testid="payout-results-applied" />
      )}
      {imported && imported.errors.length > 0 && (
        <Table
          style={{ marginTop: 8 }}
          size="small"
          rowKey={(row) => `${row.file}:${row.line}`}
          pagination={false}
          dataSource={imported.errors}
          title={() => <Typography.Text type="danger">{t('payoutResults.rejected', { count: imported.errors.length })}</Typography.Text>}
          data-testid="payout-results-errors"
          columns={[
            { title: t('payoutResults.line'), dataIndex: 'line', align: 'right' },
            { title: t('sync.reason'), dataIndex: 'reason' },
          ]}
        />
      )}
    </Card>
  );
}

function SettlementTab({ mayRun, fileDialogAvailable }: { mayRun: boolean; fileDialogAvailable: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [cycleEnd, setCycleEnd] = useState('');
  const [route, setRoute] = useState<PayoutRoute>('wechat');
  const [exportFiles, setExportFiles] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [result, setResult] = useState<SettlementRunResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress();
  const commissions = useQuery('commissionsList', result ? { settlementNo: result.settlementNo } : null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const settled = await call('settlementRun', cycleEnd ? { cycleEnd, route } : { route });
      setResult(settled);
      setExportFiles([]);
      void message.success(t('settlement.done', { no: settled.settlementNo, count: settled.payouts.length }));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  async function submitThis(settlementNo: string) {
    setSubmitting(true);
    setError(null);
    try {
      const submitted = await call('payoutsAct', { action: 'submit', settlementNo });
      setResult((current) => (current ? { ...current, payouts: submitted.items } : current));
      setExportFiles(submitted.exportFiles);
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setSubmitting(false);
    }
  }

  async function reloadPayouts(settlementNo: string) {
    try {
      const listed = await call('payoutsList', { settlementNo });
      setResult((current) => (current ? { ...current, payouts: listed.items } : current));
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <label>
          {t('payoutRoute.label')}{' '}
          <Select<PayoutRoute>
            style={{ width: 340 }}
            value={route}
            onChange={setRoute}
            aria-label={t('payoutRoute.label')}
            data-testid="settlement-route"
            options={payoutRouteNames.map((name) => ({ value: name, label: routeLabel(t, name) }))}
          />
        </label>
        <label>
          {t('settlement.cycleEnd')}{' '}
          <Input type="date" style={{ width: 170 }} value={cycleEnd} onChange={(event) => setCycleEnd(event.target.value)} aria-label={t('settlement.cycleEnd')} />
        </label>
        <Button type="primary" onClick={() => void run()} loading={busy} disabled={!mayRun}>
          {t('settlement.run')}
        </Button>
        {!mayRun && <Typography.Text type="secondary">{t('settlement.noPermission')}</Typography.Text>}
      </Space>
      <Typography.Text type="secondary">{t('payoutRoute.hint')}</Typography.Text>
      <TaskProgress progress={progress} running={busy || submitting} />
      <ErrorAlert error={error} />
      {result && (
        <Card size="small" title={t('settlement.title', { no: result.settlementNo, start: result.cycle.start, end: result.cycle.end })} data-testid="settlement-result">
          <Space wrap style={{ marginBottom: 8 }}>
            <Tag color="purple" data-testid="settlement-result-route">
              {routeLabel(t, result.route)}
            </Tag>
            <Tag color="blue">{t('settlement.payouts', { count: result.payouts.length })}</Tag>
            <Tag>{t('settlement.carriedOver', { count: result.carriedOver.length })}</Tag>
            <Tag color={result.held.length ? 'red' : 'default'}>{t('settlement.held', { count: result.held.length })}</Tag>
            {result.clawbacks > 0 && <Tag color="orange">{t('settlement.clawbacks', { count: result.clawbacks })}</Tag>}
          </Space>
          <PayoutTable rows={result.payouts} expandCommissions={commissions.data?.items ?? []} testId="settlement-payouts" />
          {mayRun && result.payouts.some((payout) => payout.state === 'created') && (
            <Button style={{ marginTop: 8 }} onClick={() => void submitThis(result.settlementNo)} loading={submitting}>
              {t('payoutResults.submitThis')}
            </Button>
          )}
          {exportFiles.length > 0 && <PayoutResultsImport exportFiles={exportFiles} fileDialogAvailable={fileDialogAvailable} onImported={() => void reloadPayouts(result.settlementNo)} />}
          {result.held.length > 0 && (
            <Table
              size="small"
              rowKey="commissionId"
              pagination={false}
              dataSource={result.held}
              title={() => t('settlement.heldTitle')}
              rowClassName={() => 'discrepancy-row'}
              columns={[
                { title: t('commissions.id'), dataIndex: 'commissionId' },
                { title: t('commissions.distributor'), dataIndex: 'distributorId' },
                { title: t('sync.reason'), dataIndex: 'reason' },
              ]}
            />
          )}
        </Card>
      )}
    </Space>
  );
}

function PayoutsTab({ mayRun, fileDialogAvailable }: { mayRun: boolean; fileDialogAvailable: boolean }) {
  const { t } = useI18n();
  const list = useQuery('payoutsList', {});
  const [exportFiles, setExportFiles] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'submit' | 'poll' | null>(null);
  const progress = useTaskProgress();

  async function act(action: 'submit' | 'poll') {
    setBusy(action);
    setError(null);
    try {
      setExportFiles((await call('payoutsAct', { action })).exportFiles);
      list.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Button onClick={() => void act('submit')} loading={busy === 'submit'} disabled={!mayRun}>
          {t('payouts.submit')}
        </Button>
        <Button onClick={() => void act('poll')} loading={busy === 'poll'} disabled={!mayRun}>
          {t('payouts.poll')}
        </Button>
        <Button onClick={list.reload}>{t('common.refresh')}</Button>
      </Space>
      <TaskProgress progress={progress} running={busy !== null} />
      <ErrorAlert error={error ?? list.error} />
      {mayRun && exportFiles.length > 0 && <PayoutResultsImport exportFiles={exportFiles} fileDialogAvailable={fileDialogAvailable} onImported={list.reload} />}
      <PayoutTable rows={list.data?.items ?? []} testId="payouts-table" />
    </Space>
  );
}

/** Distributors paid always by their own route, whatever each settlement run's route. */
function DistributorRoutesTab({ mayRun }: { mayRun: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const list = useQuery('distributorPayoutRoutes', {});
  const [items, setItems] = useState<{ distributorId: string; route: PayoutRoute }[] | null>(null);
  const [distributorId, setDistributorId] = useState('');
  const [route, setRoute] = useState<PayoutRoute | 'default'>('bank');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const rows = items ?? list.data?.items ?? [];

  async function save(id: string, chosen: PayoutRoute | 'default') {
    setError(null);
    setBusy(true);
    try {
      const saved = await call('setDistributorPayoutRoute', { distributorId: id, route: chosen === 'default' ? null : chosen });
      setItems(saved.items);
      void message.success(t('payoutRoute.saved', { id }));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('payoutRoute.intro')}</Typography.Paragraph>
      {mayRun ? (
        <Space wrap>
          <Input style={{ width: 200 }} value={distributorId} onChange={(event) => setDistributorId(event.target.value)} placeholder={t('payoutRoute.distributorId')} aria-label={t('payoutRoute.distributorId')} />
          <Select<PayoutRoute | 'default'>
            style={{ width: 340 }}
            value={route}
            onChange={setRoute}
            aria-label={t('payoutRoute.label')}
            data-testid="distributor-route-select"
            options={[...payoutRouteNames, 'default' as const].map((name) => ({ value: name, label: routeLabel(t, name) }))}
          />
          <Button type="primary" onClick={() => void save(distributorId.trim(), route)} loading={busy} disabled={!distributorId.trim()}>
            {t('payoutRoute.save')}
          </Button>
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('payoutRoute.noPermission')}</Typography.Text>
      )}
      <ErrorAlert error={error ?? list.error} />
      <Table
        size="small"
        rowKey="distributorId"
        loading={list.loading}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('payoutRoute.none') }}
        data-testid="distributor-routes"
        columns={[
          { title: t('payoutRoute.distributorId'), dataIndex: 'distributorId' },
          { title: t('payoutRoute.label'), dataIndex: 'route', render: (value: PayoutRoute) => routeLabel(t, value) },
          {
            title: '',
            key: 'reset',
            render: (_value, row) =>
              mayRun ? (
                <Button size="small" onClick={() => void save(row.distributorId, 'default')} disabled={busy}>
                  {t('payoutRoute.reset')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}

/** Commission basis (mismatches flagged), settlement runs, and the payouts with their states. */
export function Payouts({ user, fileDialogAvailable }: { user: SessionUser; fileDialogAvailable: boolean }) {
  const { t } = useI18n();
  const mayRun = user.permissions.includes('settlement.run');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.payouts')}</Typography.Title>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'settlement', label: t('settlement.tab'), children: <SettlementTab mayRun={mayRun} fileDialogAvailable={fileDialogAvailable} /> },
          { key: 'payouts', label: t('payouts.tab'), children: <PayoutsTab mayRun={mayRun} fileDialogAvailable={fileDialogAvailable} /> },
          { key: 'routes', label: t('payoutRoute.tab'), children: <DistributorRoutesTab mayRun={mayRun} /> },
          { key: 'commissions', label: t('commissions.tab'), children: <CommissionsTab /> },
        ]}
      />
    </Space>
  );
}
