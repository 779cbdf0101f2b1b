import { Button, Card, Checkbox, Form, Input, List, Space, Tabs, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, AppInfo, WorkspaceSummary } from '../../../electron/api';
import { DEMO_ADMIN_NAME, DEMO_ADMIN_PASSWORD, DEMO_PASSPHRASE } from '../../../electron/api';
import { call, errorOf } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { useI18n } from '../i18n';

interface CreateValues {
  path: string;
  companyName: string;
  passphrase: string;
  passphraseConfirm: string;
  adminName: string;
  adminPassword: string;
  booksStartDate?: string;
  rememberPassphrase?: boolean;
}

interface OpenValues {
  path: string;
  passphrase?: string;
  rememberPassphrase?: boolean;
}

/** First run and "switch workspace": create, open (recent list), or the demo when it exists. */
export function FirstRun({ appInfo, onOpened }: { appInfo: AppInfo; onOpened(summary: WorkspaceSummary): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [demoRunning, setDemoRunning] = useState(false);
  const [createForm] = Form.useForm<CreateValues>();
  const [openForm] = Form.useForm<OpenValues>();
  const [tab, setTab] = useState(appInfo.recentWorkspaces.length ? 'open' : 'create');

  async function run(action: () => Promise<WorkspaceSummary>) {
    setBusy(true);
    setError(null);
    try {
      onOpened(await action());
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  async function browse(form: 'create' | 'open') {
    try {
      const chosen = await call('chooseWorkspacePath', { mode: form });
      if (chosen.path) (form === 'create' ? createForm : openForm).setFieldValue('path', chosen.path);
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  const browseButton = (form: 'create' | 'open') =>
    appInfo.fileDialogAvailable ? (
      <Button onClick={() => void browse(form)} aria-label={t('common.browse')}>
        {t('common.browse')}
      </Button>
    ) : null;

  const rememberField = appInfo.passphraseMemoryAvailable ? (
    <Form.Item name="rememberPassphrase" valuePropName="checked">
      <Checkbox>{t('firstRun.remember')}</Checkbox>
    </Form.Item>
  ) : (
    <Typography.Paragraph type="secondary">{t('firstRun.rememberUnavailable')}</Typography.Paragraph>
  );

  const createPane = (
    <Form
      form={createForm}
      layout="vertical"
      name="create-workspace"
      initialValues={{ path: appInfo.suggestedWorkspacePath, adminName: 'admin' }}
      onFinish={(values) =>
        void run(() =>
          call('createWorkspace', {
            path: values.path.trim(),
            companyName: values.companyName.trim(),
            passphrase: values.passphrase,
            adminName: values.adminName.trim(),
            adminPassword: values.adminPassword,
            booksStartDate: values.booksStartDate || undefined,
            rememberPassphrase: values.rememberPassphrase ?? false,
          }),
        )
      }
    >
      <Form.Item label={t('firstRun.path')} required>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item name="path" noStyle rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input id="create-path" aria-label={t('firstRun.path')} />
          </Form.Item>
          {browseButton('create')}
        </Space.Compact>
      </Form.Item>
      <Form.Item name="companyName" label={t('firstRun.company')} rules={[{ required: true, message: t('firstRun.required') }]}>
        <Input />
      </Form.Item>
      <Form.Item name="passphrase" label={t('firstRun.passphrase')} extra={t('firstRun.passphraseHint')} rules={[{ required: true, message: t('firstRun.required') }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="passphraseConfirm"
        label={t('firstRun.passphraseConfirm')}
        dependencies={['passphrase']}
        rules={[
          { required: true, message: t('firstRun.required') },
          ({ getFieldValue }) => ({
            validator: (_rule, value: string | undefined) =>
              !value || getFieldValue('passphrase') === value ? Promise.resolve() : Promise.reject(new Error(t('firstRun.passphraseMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="adminName" label={t('firstRun.adminName')} rules={[{ required: true, message: t('firstRun.required') }]}>
        <Input autoComplete="username" />
      </Form.Item>
      <Form.Item name="adminPassword" label={t('firstRun.adminPassword')} rules={[{ required: true, message: t('firstRun.required') }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="booksStartDate" label={t('firstRun.booksStart')}>
        <Input type="date" />
      </Form.Item>
      {rememberField}
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('firstRun.createButton')}
      </Button>
    </Form>
  );

  const openPane = (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      {appInfo.recentWorkspaces.length > 0 && (
        <List
          header={t('firstRun.recent')}
          bordered
          dataSource={appInfo.recentWorkspaces}
          renderItem={(recent) => (
            <List.Item
              actions={
                recent.passphraseRemembered
                  ? [
                      <Button key="open" onClick={() => void run(() => call('openWorkspace', { path: recent.path }))}>
                        {t('firstRun.useRemembered')}
                      </Button>,
                    ]
                  : []
              }
            >
              <Button type="link" onClick={() => openForm.setFieldValue('path', recent.path)}>
                {recent.companyName}
              </Button>
              <Typography.Text type="secondary">{recent.path}</Typography.Text>
            </List.Item>
          )}
        />
      )}
      <Form
        form={openForm}
        layout="vertical"
        name="open-workspace"
        initialValues={{ path: appInfo.recentWorkspaces[0]?.path ?? '' }}
        onFinish={(values) =>
          void run(() => call('openWorkspace', { path: values.path.trim(), passphrase: values.passphrase, rememberPassphrase: values.rememberPassphrase ?? false }))
        }
      >
        <Form.Item label={t('firstRun.path')} required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="path" noStyle rules={[{ required: true, message: t('firstRun.required') }]}>
              <Input id="open-path" aria-label={t('firstRun.path')} />
            </Form.Item>
            {browseButton('open')}
          </Space.Compact>
        </Form.Item>
        <Form.Item name="passphrase" label={t('firstRun.passphrase')} rules={[{ required: true, message: t('firstRun.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {rememberField}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('firstRun.openButton')}
        </Button>
      </Form>
    </Space>
  );

  return (
    <div className="centered-page">
      <Card style={{ width: 640 }}>
        <Typography.Title level={3}>{t('firstRun.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
        <ErrorAlert error={error} />
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'create', label: t('firstRun.create'), children: createPane },
            { key: 'open', label: t('firstRun.open'), children: openPane },
          ]}
        />
        <Card size="small" title={t('firstRun.demo')} style={{ marginTop: 16 }}>
          {appInfo.capabilities.demo ? (
            <>
              <Typography.Paragraph>{t('firstRun.demoDetail')}</Typography.Paragraph>
              <Typography.Paragraph type="secondary" data-testid="demo-credentials">
                {t('firstRun.demoCredentials', { passphrase: DEMO_PASSPHRASE, admin: DEMO_ADMIN_NAME, password: DEMO_ADMIN_PASSWORD })}
              </Typography.Paragraph>
              {busy && demoRunning && <Typography.Paragraph>{t('firstRun.demoRunning')}</Typography.Paragraph>}
              <Button
                loading={busy && demoRunning}
                disabled={busy}
                onClick={() => {
                  setDemoRunning(true);
                  void run(async () => (await call('openDemo', {})).workspace).finally(() => setDemoRunning(false));
                }}
              >
                {t('firstRun.demoButton')}
              </Button>
            </>
          ) : (
            <Typography.Paragraph data-testid="demo-not-available" style={{ marginBottom: 0 }}>
              {t('firstRun.demoDetail')} <Typography.Text type="warning">{t('common.notAvailable')}</Typography.Text>
            </Typography.Paragraph>
          )}
        </Card>
      </Card>
    </div>
  );
}
