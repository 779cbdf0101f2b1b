import { App as AntApp, Button, Card, Col, Descriptions, Form, Input, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, GmvDayRow, MallResource, OutboxRow, SessionUser, SyncRunResult, SyncStatusResult } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

const resources: MallResource[] = ['orders', 'refunds', 'topups', 'points', 'commissions', 'withdrawals', 'members'];

/** The mall URL and token; the token is write-only (stored encrypted, never shown again). */
export function MallConnectionForm({ user, onSaved }: { user: SessionUser; onSaved?(): void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const connection = useQuery('mallConnection', {});
  const [form] = Form.useForm<{ url: string; token: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const mayChange = user.permissions.includes('sync.run');

  async function save(values: { url: string; token: string }) {
    setBusy(true);
    setError(null);
    try {
      const url = values.url?.trim() || undefined;
      const token = values.token || undefined;
      await call('saveMallConnection', { url, token });
      void message.success(t('sync.connectionSaved'));
      form.setFieldValue('token', '');
      connection.reload();
      onSaved?.();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="mall-connection">
      <ErrorAlert error={connection.error ?? error} />
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t('sync.url')}>{connection.data?.url ?? <Typography.Text type="secondary">{t('sync.notConnected')}</Typography.Text>}</Descriptions.Item>
        <Descriptions.Item label={t('sync.token')}>
          {connection.data?.tokenStored ? <Tag color="green">{t('sync.tokenStored')}</Tag> : <Tag>{t('sync.noToken')}</Tag>}
        </Descriptions.Item>
      </Descriptions>
      {mayChange && (
        <Form form={form} layout="inline" name="mall-connection" onFinish={(values) => void save(values)}>
          <Form.Item name="url" label={t('sync.url')}>
            <Input style={{ width: 320 }} placeholder="https://mall.example.com" autoComplete="off" />
          </Form.Item>
          <Form.Item name="token" label={t('sync.token')}>
            <Input.Password style={{ width: 240 }} autoComplete="off" placeholder={connection.data?.tokenStored ? t('sync.tokenKeep') : ''} />
          </Form.Item>
          <Button htmlType="submit" loading={busy}>
            {t('sync.saveConnection')}
          </Button>
        </Form>
      )}
    </div>
  );
}

function SyncResultCard({ result }: { result: SyncRunResult }) {
  const { t, td } = useI18n();
  return (
    <Card title={t('sync.result')} size="small" data-testid="sync-result">
      <Row gutter={16}>
        {resources.map((resource) => (
          <Col key={resource} span={3}>
            <Statistic title={td('resource', resource)} value={result.fetched[resource]} />
          </Col>
        ))}
        <Col span={3}>
          <Statistic title={t('sync.entriesPosted')} value={result.entriesPosted} />
        </Col>
      </Row>
      <Space style={{ marginTop: 12 }} wrap>
        <Tag color={result.rejected.length ? 'red' : 'green'}>{t('sync.rejectedCount', { count: result.rejected.length })}</Tag>
        {result.gmv && (
          <Tag color={result.gmv.ok ? 'green' : 'red'} data-testid="sync-gmv">
            {result.gmv.ok ? t('sync.gmvOk', { from: result.gmv.fromDate, to: result.gmv.toDate }) : t('sync.gmvDiffers', { days: result.gmv.differingDays.length })}
          </Tag>
        )}
        {result.openingEntryNo && <Tag>{t('sync.openingEntry', { entryNo: result.openingEntryNo })}</Tag>}
      </Space>
      {result.gmv && result.gmv.differingDays.length > 0 && <GmvTable days={result.gmv.differingDays} />}
    </Card>
  );
}

export function GmvTable({ days, testId }: { days: GmvDayRow[]; testId?: string }) {
  const { t } = useI18n();
  return (
    <Table<GmvDayRow>
      size="small"
      rowKey="date"
      pagination={false}
      scroll={{ y: 360 }}
      dataSource={days}
      data-testid={testId}
      rowClassName={(day) => (day.differenceFen === 0 ? '' : 'discrepancy-row')}
      columns={[
        { title: t('reports.date'), dataIndex: 'date' },
        { title: t('reports.booksGmv'), dataIndex: 'booksGmvFen', align: 'right', render: (value: number) => <Amount value={value} /> },
        { title: t('reports.mallGmv'), dataIndex: 'mallGmvFen', align: 'right', render: (value: number | null) => (value === null ? t('reports.noSummary') : <Amount value={value} />) },
        { title: t('reconcile.difference'), dataIndex: 'differenceFen', align: 'right', render: (value: number | null) => (value === null ? '' : <Amount value={value} />) },
      ]}
    />
  );
}

function StatusTables({ status, onFlushed }: { status: SyncStatusResult; onFlushed(): void }) {
  const { t, td } = useI18n();
  const [flushing, setFlushing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const { message } = AntApp.useApp();
  const pending = status.outbox.filter((item) => item.state === 'pending').length;

  async function flush() {
    setFlushing(true);
    setError(null);
    try {
      const result = await call('outboxFlush', {});
      void message.info(t('sync.flushed', { sent: result.sent, failed: result.failed, deferred: result.deferred }));
      onFlushed();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setFlushing(false);
    }
  }

  return (
    <>
      <Card title={t('sync.rejected', { count: status.rejected.length })} size="small">
        <Table
          size="small"
          rowKey={(row) => `${row.resource}/${row.recordId}/${row.version ?? ''}`}
          dataSource={status.rejected}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('sync.noRejected') }}
          data-testid="rejected-table"
          rowClassName={() => 'discrepancy-row'}
          columns={[
            { title: t('sync.resource'), dataIndex: 'resource', render: (value: string) => td('resource', value), width: 110 },
            { title: t('sync.recordId'), dataIndex: 'recordId', width: 200 },
            { title: t('sync.reason'), dataIndex: 'reason' },
            { title: t('sync.seenAt'), dataIndex: 'seenAt', width: 170, render: (value: string) => formatShanghaiTime(value) },
          ]}
        />
      </Card>
      <Card
        title={t('sync.outbox', { pending })}
        size="small"
        extra={
          <Button size="small" onClick={() => void flush()} loading={flushing} disabled={pending === 0}>
            {t('sync.flush')}
          </Button>
        }
      >
        <ErrorAlert error={error} />
        <Table<OutboxRow>
          size="small"
          rowKey="id"
          dataSource={status.outbox}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('sync.outboxEmpty') }}
          data-testid="outbox-table"
          columns={[
            { title: t('sync.outboxKind'), dataIndex: 'kind', render: (value: string) => td('outboxKind', value) },
            { title: t('sync.outboxPath'), dataIndex: 'path' },
            { title: t('reconcile.status'), dataIndex: 'state', render: (value: string) => <Tag color={value === 'sent' ? 'green' : value === 'failed' ? 'red' : 'gold'}>{td('outboxState', value)}</Tag> },
            { title: t('sync.attempts'), dataIndex: 'attempts', align: 'right' },
            { title: t('sync.lastError'), dataIndex: 'lastError', render: (value: string | null) => value ?? '' },
          ]}
        />
      </Card>
    </>
  );
}

export function Sync({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const status = useQuery('syncStatus', {});
  const progress = useTaskProgress();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<SyncRunResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const mayRun = user.permissions.includes('sync.run');
  const ready = Boolean(status.data?.connection.url && status.data.connection.tokenStored);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      setResult(await call('syncRun', {}));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(false);
      status.reload();
    }
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.sync')}</Typography.Title>
      <Card title={t('sync.connection')} size="small">
        <MallConnectionForm user={user} onSaved={status.reload} />
      </Card>
      <Card size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space>
            <Button type="primary" onClick={() => void run()} loading={running} disabled={!mayRun || !ready}>
              {t('sync.run')}
            </Button>
            <Typography.Text type="secondary" data-testid="sync-last">
              {status.data?.lastSyncAt ? t('sync.lastSync', { at: formatShanghaiTime(status.data.lastSyncAt), count: status.data.documentCount }) : t('sync.never')}
            </Typography.Text>
          </Space>
          <TaskProgress progress={progress} running={running} />
          <ErrorAlert error={error ?? status.error} />
        </Space>
      </Card>
      {result && <SyncResultCard result={result} />}
      {status.data && <StatusTables status={status.data} onFlushed={status.reload} />}
    </Space>
  );
}
