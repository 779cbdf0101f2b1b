import { App as AntApp, Button, Card, Descriptions, Form, Input, List, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ApiError, Role, SessionState, SessionUser, UserItem, VerifyResult, WorkspaceSummary } from '../../../electron/api';
import { roleNames } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatFen, formatShanghaiTime, parseYuanText } from '../format';
import { useI18n } from '../i18n';
import { BackupCard, PayoutMerchantCard, SettlementSettingsCard, UnconfirmedPolicyCard } from './SettingsCards';
import { MallConnectionForm } from './Sync';

function RatesCard({ mayChange }: { mayChange: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const settings = useQuery('workspaceSettings', {});
  const [form] = Form.useForm<{ wechat: string; alipay: string; closeThreshold: string; identityThreshold: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const data = settings.data;

  useEffect(() => {
    if (data) {
      form.setFieldsValue({
        wechat: data.feeRates.wechat,
        alipay: data.feeRates.alipay,
        closeThreshold: data.closeThreshold,
        identityThreshold: formatFen(data.identityThresholdFen).replace('¥', ''),
      });
    }
  }, [data, form]);

  async function save(values: { wechat: string; alipay: string; closeThreshold: string; identityThreshold: string }) {
    setError(null);
    const identityThresholdFen = parseYuanText(values.identityThreshold);
    if (identityThresholdFen === null || identityThresholdFen < 1) {
      setError({ code: 'invalid_input', message: t('settings.identityThresholdInvalid') });
      return;
    }
    setBusy(true);
    try {
      await call('saveWorkspaceSettings', { feeRates: { wechat: values.wechat.trim(), alipay: values.alipay.trim() }, closeThreshold: values.closeThreshold.trim(), identityThresholdFen });
      void message.success(t('settings.saved'));
      settings.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('settings.rates')}>
      <ErrorAlert error={settings.error ?? error} />
      <Form form={form} layout="vertical" name="rates" disabled={!mayChange} onFinish={(values) => void save(values)} style={{ maxWidth: 560 }}>
        <Space size="large" wrap>
          <Form.Item name="wechat" label={t('settings.feeRateWechat')} extra={t('settings.rateHint')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="alipay" label={t('settings.feeRateAlipay')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Space size="large" wrap>
          <Form.Item name="closeThreshold" label={t('settings.closeThreshold')} extra={t('settings.closeThresholdHint')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="identityThreshold" label={t('settings.identityThreshold')} extra={t('settings.identityThresholdHint')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input style={{ width: 160 }} prefix="¥" />
          </Form.Item>
        </Space>
        {mayChange ? (
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('common.save')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('settings.adminOnly')}</Typography.Text>
        )}
      </Form>
    </Card>
  );
}

function SealCard({ mayChange, fileDialogAvailable }: { mayChange: boolean; fileDialogAvailable: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const info = useQuery('sealInfo', {});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'trial' | 'import' | null>(null);
  const [path, setPath] = useState('');
  const [password, setPassword] = useState('');
  const seal = info.data?.seal ?? null;

  async function act(kind: 'trial' | 'import') {
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'trial') await call('sealCreateTrial', {});
      else await call('sealImport', { path: path.trim(), password });
      setPassword('');
      void message.success(t('settings.sealStored'));
      info.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(null);
    }
  }

  async function choose() {
    try {
      const chosen = await call('chooseFiles', { purpose: 'seal' });
      if (chosen.paths?.[0]) setPath(chosen.paths[0]);
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  return (
    <Card title={t('settings.seal')} data-testid="seal-card">
      <ErrorAlert error={info.error ?? error} />
      {seal ? (
        <Descriptions size="small" column={2} bordered data-testid="seal-info">
          <Descriptions.Item label={t('settings.sealSubject')}>{seal.subject}</Descriptions.Item>
          <Descriptions.Item label={t('settings.sealIssuer')}>
            {seal.issuer} {seal.selfSigned && <Tag color="orange">{t('settings.sealSelfSigned')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t('settings.sealValidity')} span={2}>
            {formatShanghaiTime(seal.notBefore)} — {formatShanghaiTime(seal.notAfter)} {!seal.usableNow && <Tag color="red">{t('settings.sealNotUsable')}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="SHA-256" span={2}>
            <code>{seal.fingerprintSha256}</code>
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <Typography.Paragraph type="secondary">{t('settings.noSeal')}</Typography.Paragraph>
      )}
      {mayChange ? (
        <Space direction="vertical" style={{ marginTop: 12, width: '100%' }}>
          <Button onClick={() => void act('trial')} loading={busy === 'trial'}>
            {t('settings.sealCreateTrial')}
          </Button>
          <Space wrap>
            <Input style={{ width: 360 }} value={path} onChange={(event) => setPath(event.target.value)} placeholder={t('settings.sealPath')} aria-label={t('settings.sealPath')} />
            {fileDialogAvailable && <Button onClick={() => void choose()}>{t('common.browse')}</Button>}
            <Input.Password style={{ width: 200 }} value={password} onChange={(event) => setPassword(event.target.value)} placeholder={t('settings.sealPassword')} aria-label={t('settings.sealPassword')} autoComplete="off" />
            <Button onClick={() => void act('import')} loading={busy === 'import'} disabled={!path.trim()}>
              {t('settings.sealImport')}
            </Button>
          </Space>
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('settings.adminOnly')}</Typography.Text>
      )}
    </Card>
  );
}

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

export function Settings({
  user,
  workspace,
  fileDialogAvailable,
  onSessionChange,
}: {
  user: SessionUser;
  workspace: WorkspaceSummary;
  fileDialogAvailable: boolean;
  /** After a restore the workspace is open again with nobody logged in. */
  onSessionChange(state: SessionState): void;
}) {
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
      <Card title={t('sync.connection')}>
        <MallConnectionForm user={user} />
      </Card>
      <RatesCard mayChange={user.permissions.includes('settings.change')} />
      <SealCard mayChange={user.permissions.includes('settings.change')} fileDialogAvailable={fileDialogAvailable} />
      <PayoutMerchantCard mayChange={user.permissions.includes('settings.change')} />
      <SettlementSettingsCard mayChange={user.permissions.includes('settings.change')} />
      <UnconfirmedPolicyCard mayChange={user.permissions.includes('settings.change')} />
      <BackupCard user={user} fileDialogAvailable={fileDialogAvailable} onSessionChange={onSessionChange} />
      <VerifyCard />
    </Space>
  );
}
