import { Card, Col, Descriptions, Input, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useQuery } from '../api-client';
import { AccountTable } from '../components/AccountTable';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

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
  const pending = t('common.notAvailable');
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
                <Typography.Text type="secondary">{data.capabilities.reconcile ? '' : pending}</Typography.Text>
              </Card>
            </Col>
            <Col span={8}>
              <Card title={t('dashboard.pendingReviews')} size="small">
                <Typography.Text type="secondary">{data.capabilities.withdrawals ? '' : pending}</Typography.Text>
              </Card>
            </Col>
            <Col span={8}>
              <Card title={t('dashboard.syncState')} size="small">
                <Typography.Text type="secondary">{data.capabilities.sync ? '' : pending}</Typography.Text>
              </Card>
            </Col>
          </Row>
        </Col>
      </Row>
      {data.monthLines.length ? (
        <AccountTable caption={t('dashboard.monthMovements')} lines={data.monthLines} totals={{ debitFen: data.monthDebitTotalFen, creditFen: data.monthCreditTotalFen }} />
      ) : (
        <Typography.Paragraph type="secondary">{t('dashboard.noMovement')}</Typography.Paragraph>
      )}
      <AccountTable caption={t('dashboard.keyBalances')} lines={data.balances.filter((line) => keyAccountCodes.includes(line.accountCode))} />
    </Space>
  );
}
