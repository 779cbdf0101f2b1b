import { Card, Col, Descriptions, Input, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useQuery } from '../api-client';
import { AccountTable } from '../components/AccountTable';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { NetProfitChart } from '../components/NetProfitChart';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

/**
 * Six months of net profit, loaded beside the figures (its own call): the figures never wait for
 * the chart.
 */
function ProfitCard({ month }: { month: string }) {
  const { t } = useI18n();
  const overview = useQuery('monthlyOverview', { month });
  return (
    <Card title={t('reports.netProfitChart')} size="small" data-testid="dashboard-profit">
      <ErrorAlert error={overview.error} />
      {overview.data ? <NetProfitChart series={overview.data.netProfitSeries} label={t('reports.netProfitChart')} /> : <Spin aria-label={t('common.loading')} />}
    </Card>
  );
}

/** Balances the finance team watches every day. */
const keyAccountCodes = ['1002', '1121', '1122', '2201', '2202', '2203', '2204', '2206', '6001'];

export function Dashboard() {
  const { t } = useI18n();
  const [month, setMonth] = useState('');
  const dashboard = useQuery('dashboard', month ? { month } : {});
  if (dashboard.error) return <ErrorAlert error={dashboard.error} />;
  const data = dashboard.data;
  if (!data) return <Spin aria-label={t('common.loading')} />;
  const balanced = data.monthDebitTotalFen === data.monthCreditTotalFen;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3} data-testid="dashboard-company">
        {data.workspace.companyName}
      </Typography.Title>
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('dashboard.booksStart')}>{formatShanghaiTime(data.workspace.booksStart)}</Descriptions.Item>
        <Descriptions.Item label={t('settings.workspacePath')}>{data.workspace.path}</Descriptions.Item>
      </Descriptions>
      <label>
        {t('dashboard.monthPicker')}{' '}
        <Input type="month" style={{ width: 180 }} value={month || data.month} onChange={(event) => setMonth(event.target.value)} aria-label={t('dashboard.monthPicker')} />
      </label>
      <Row gutter={16}>
        <Col span={8}>
          <Card title={t('dashboard.month', { month: data.month })}>
            <Statistic title={t('dashboard.monthDebit')} valueRender={() => <span data-testid="month-debit"><Amount value={data.monthDebitTotalFen} /></span>} />
            <Statistic title={t('dashboard.monthCredit')} valueRender={() => <span data-testid="month-credit"><Amount value={data.monthCreditTotalFen} /></span>} />
            <Tag color={balanced ? 'green' : 'red'}>{balanced ? t('dashboard.balanced') : t('dashboard.unbalanced')}</Tag>
          </Card>
        </Col>
        <Col span={16}>
          <Row gutter={16}>
            <Col span={8}>
              <Card title={t('dashboard.discrepancies')} size="small">
                {data.openDiscrepancies === null ? (
                  <Typography.Text type="secondary">{t('dashboard.notReconciled')}</Typography.Text>
                ) : (
                  <Statistic value={data.openDiscrepancies} valueStyle={data.openDiscrepancies ? { color: '#cf1322' } : undefined} valueRender={(node) => <span data-testid="dashboard-open-discrepancies">{node}</span>} />
                )}
                <Tag color={data.monthStatus === 'closed' ? 'green' : 'default'} data-testid="dashboard-month-status">
                  {data.monthStatus === 'closed' ? t('dashboard.monthClosed') : t('dashboard.monthOpen')}
                </Tag>
              </Card>
            </Col>
            <Col span={8}>
              <Card title={t('dashboard.pendingReviews')} size="small">
                <Typography.Paragraph style={{ marginBottom: 4 }} data-testid="dashboard-pending-withdrawals">
                  {t('dashboard.pendingTier1', { count: data.pendingWithdrawals.tier1 })}
                </Typography.Paragraph>
                <Typography.Paragraph style={{ marginBottom: 0 }}>{t('dashboard.pendingTier2', { count: data.pendingWithdrawals.tier2 })}</Typography.Paragraph>
              </Card>
            </Col>
            <Col span={8}>
              <Card title={t('dashboard.syncState')} size="small">
                <Typography.Paragraph style={{ marginBottom: 4 }} data-testid="dashboard-sync">
                  {data.sync.lastSyncAt ? t('dashboard.lastSync', { at: formatShanghaiTime(data.sync.lastSyncAt) }) : data.sync.connected ? t('sync.never') : t('sync.notConnected')}
                </Typography.Paragraph>
                <Space wrap>
                  {data.sync.rejectedCount > 0 && <Tag color="red">{t('sync.rejectedCount', { count: data.sync.rejectedCount })}</Tag>}
                  {data.sync.outboxPending > 0 && <Tag color="gold">{t('dashboard.outboxPending', { count: data.sync.outboxPending })}</Tag>}
                  {data.sync.outboxFailed > 0 && <Tag color="red">{t('dashboard.outboxFailed', { count: data.sync.outboxFailed })}</Tag>}
                </Space>
              </Card>
            </Col>
          </Row>
        </Col>
      </Row>
      <ProfitCard month={data.month} />
      {data.monthLines.length ? (
        <AccountTable caption={t('dashboard.monthMovements')} lines={data.monthLines} totals={{ debitFen: data.monthDebitTotalFen, creditFen: data.monthCreditTotalFen }} />
      ) : (
        <Typography.Paragraph type="secondary">{t('dashboard.noMovement')}</Typography.Paragraph>
      )}
      <AccountTable caption={t('dashboard.keyBalances')} lines={data.balances.filter((line) => keyAccountCodes.includes(line.accountCode))} />
    </Space>
  );
}
