import { App as AntApp, Button, Card, Checkbox, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, CommissionRow, PayoutRow, SessionUser, SettlementRunResult } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

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

function SettlementTab({ mayRun }: { mayRun: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [cycleEnd, setCycleEnd] = useState('');
  const [result, setResult] = useState<SettlementRunResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress();
  const commissions = useQuery('commissionsList', result ? { settlementNo: result.settlementNo } : null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      const settled = await call('settlementRun', cycleEnd ? { cycleEnd } : {});
      setResult(settled);
      void message.success(t('settlement.done', { no: settled.settlementNo, count: settled.payouts.length }));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <label>
          {t('settlement.cycleEnd')}{' '}
          <Input type="date" style={{ width: 170 }} value={cycleEnd} onChange={(event) => setCycleEnd(event.target.value)} aria-label={t('settlement.cycleEnd')} />
        </label>
        <Button type="primary" onClick={() => void run()} loading={busy} disabled={!mayRun}>
          {t('settlement.run')}
        </Button>
        {!mayRun && <Typography.Text type="secondary">{t('settlement.noPermission')}</Typography.Text>}
      </Space>
      <TaskProgress progress={progress} running={busy} />
      <ErrorAlert error={error} />
      {result && (
        <Card size="small" title={t('settlement.title', { no: result.settlementNo, start: result.cycle.start, end: result.cycle.end })} data-testid="settlement-result">
          <Space wrap style={{ marginBottom: 8 }}>
            <Tag color="blue">{t('settlement.payouts', { count: result.payouts.length })}</Tag>
            <Tag>{t('settlement.carriedOver', { count: result.carriedOver.length })}</Tag>
            <Tag color={result.held.length ? 'red' : 'default'}>{t('settlement.held', { count: result.held.length })}</Tag>
            {result.clawbacks > 0 && <Tag color="orange">{t('settlement.clawbacks', { count: result.clawbacks })}</Tag>}
          </Space>
          <PayoutTable rows={result.payouts} expandCommissions={commissions.data?.items ?? []} testId="settlement-payouts" />
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

function PayoutsTab({ mayRun }: { mayRun: boolean }) {
  const { t } = useI18n();
  const list = useQuery('payoutsList', {});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'submit' | 'poll' | null>(null);
  const progress = useTaskProgress();

  async function act(action: 'submit' | 'poll') {
    setBusy(action);
    setError(null);
    try {
      await call('payoutsAct', { action });
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
      <PayoutTable rows={list.data?.items ?? []} testId="payouts-table" />
    </Space>
  );
}

/** Commission basis (mismatches flagged), settlement runs, and the payouts with their states. */
export function Payouts({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const mayRun = user.permissions.includes('settlement.run');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.payouts')}</Typography.Title>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'settlement', label: t('settlement.tab'), children: <SettlementTab mayRun={mayRun} /> },
          { key: 'payouts', label: t('payouts.tab'), children: <PayoutsTab mayRun={mayRun} /> },
          { key: 'commissions', label: t('commissions.tab'), children: <CommissionsTab /> },
        ]}
      />
    </Space>
  );
}
