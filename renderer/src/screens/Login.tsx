import { Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, SessionUser, WorkspaceSummary } from '../../../electron/api';
import { call, errorOf } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { useI18n } from '../i18n';

export function Login({ workspace, onLoggedIn, onSwitchWorkspace }: { workspace: WorkspaceSummary; onLoggedIn(user: SessionUser): void; onSwitchWorkspace(): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(values: { userName: string; password: string }) {
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await call('login', { userName: values.userName.trim(), password: values.password }));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered-page">
      <Card style={{ width: 420 }}>
        <Typography.Title level={3}>{t('login.title')}</Typography.Title>
        <Typography.Paragraph strong data-testid="login-company">
          {workspace.companyName}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ wordBreak: 'break-all' }}>
          {workspace.path}
        </Typography.Paragraph>
        <ErrorAlert error={error} />
        <Form layout="vertical" name="login" onFinish={(values: { userName: string; password: string }) => void submit(values)}>
          <Form.Item name="userName" label={t('login.userName')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('firstRun.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('login.submit')}
          </Button>
          <Button type="link" onClick={onSwitchWorkspace} block style={{ marginTop: 8 }}>
            {t('login.switchWorkspace')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
