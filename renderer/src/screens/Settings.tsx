import { App as AntApp, Button, Card, Descriptions, Form, Input, List, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ApiError, Role, SessionUser, UserItem, VerifyResult, WorkspaceSummary } from '../../../electron/api';
import { roleNames } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

function UsersCard({ user }: { user: SessionUser }) {
  const { t, td } = useI18n();
  const { message } = AntApp.useApp();
  const users = useQuery('listUsers', {});
  const [form] = Form.useForm<{ name: string; role: Role; password: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const mayManage = user.permissions.includes('users.manage');

  async function add(values: { name: string; role: Role; password: string }) {
    setBusy(true);
    setError(null);
    try {
      const created = await call('addUser', { name: values.name.trim(), role: values.role, password: values.password });
      void message.success(t('settings.userAdded', { name: created.name }));
      form.resetFields();
      users.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('settings.users')}>
      <ErrorAlert error={users.error} />
      <Table<UserItem>
        size="small"
        rowKey="name"
        pagination={false}
        loading={users.loading}
        dataSource={users.data?.items ?? []}
        data-testid="users-table"
        columns={[
          { title: t('settings.userName'), dataIndex: 'name' },
          { title: t('settings.role'), dataIndex: 'role', render: (value: string) => td('role', value) },
          { title: t('settings.createdAt'), dataIndex: 'createdAt', render: (value: string) => formatShanghaiTime(value) },
          { title: t('settings.locked'), dataIndex: 'locked', render: (value: boolean) => (value ? <Tag color="red">{t('settings.locked')}</Tag> : '') },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('settings.addUser')}
      </Typography.Title>
      {mayManage ? (
        <>
          <ErrorAlert error={error} />
          <Form form={form} layout="inline" name="add-user" initialValues={{ role: 'clerk' }} onFinish={(values) => void add(values)}>
            <Form.Item name="name" label={t('settings.userName')} rules={[{ required: true, message: t('firstRun.required') }]}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="role" label={t('settings.role')}>
              <Select style={{ width: 160 }} options={roleNames.map((role) => ({ value: role, label: td('role', role) }))} />
            </Form.Item>
            <Form.Item name="password" label={t('settings.password')} rules={[{ required: true, message: t('firstRun.required') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('settings.addUser')}
            </Button>
          </Form>
        </>
      ) : (
        <Typography.Text type="secondary">{t('settings.noPermission')}</Typography.Text>
      )}
    </Card>
  );
}

function VerifyCard() {
  const { t } = useI18n();
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number | null } | null>(null);

  useEffect(() => window.ledgerdesk.onProgress((event) => setProgress(event.finished ? null : { done: event.done, total: event.total })), []);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      setResult(await call('verifyWorkspace', {}));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(false);
    }
  }

  return (
    <Card title={t('settings.verify')} extra={<Button onClick={() => void run()} loading={running}>{t('settings.verifyRun')}</Button>}>
      <ErrorAlert error={error} />
      {running && progress && progress.total ? <Progress percent={Math.floor((progress.done * 100) / progress.total)} /> : null}
      {result && (
        <>
          <Tag color={result.ok ? 'green' : 'red'} data-testid="verify-state">
            {result.ok ? t('settings.verifyOk') : t('settings.verifyFailed')}
          </Tag>
          <List
            size="small"
            dataSource={result.checks}
            renderItem={(check) => (
              <List.Item>
                <Tag color={check.ok ? 'green' : 'red'}>{check.ok ? 'OK' : '✗'}</Tag>
                <Typography.Text strong>{check.name}</Typography.Text>&nbsp;
                <Typography.Text type="secondary">{check.detail}</Typography.Text>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}

export function Settings({ user, workspace }: { user: SessionUser; workspace: WorkspaceSummary }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('settings.title')}</Typography.Title>
      <Card title={t('settings.workspace')}>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('firstRun.company')}>{workspace.companyName}</Descriptions.Item>
          <Descriptions.Item label={t('settings.workspacePath')}>{workspace.path}</Descriptions.Item>
          <Descriptions.Item label={t('dashboard.booksStart')}>{formatShanghaiTime(workspace.booksStart)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <UsersCard user={user} />
      <VerifyCard />
    </Space>
  );
}
