import { App as AntApp, Button, ConfigProvider, Layout, Menu, Segmented, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, AppInfo, Capability, SessionState } from '../../electron/api';
import { call, errorOf } from './api-client';
import { ErrorAlert } from './components/ErrorAlert';
import { NotAvailable } from './components/NotAvailable';
import { useI18n, type Language, type MessageKey } from './i18n';
import { AuditLog } from './screens/AuditLog';
import { Dashboard } from './screens/Dashboard';
import { FirstRun } from './screens/FirstRun';
import { LedgerSearch } from './screens/LedgerSearch';
import { Login } from './screens/Login';
import { MemberLedgers } from './screens/MemberLedgers';
import { Reconciliation } from './screens/Reconciliation';
import { Settings } from './screens/Settings';
import { Withdrawals } from './screens/Withdrawals';
import { Close } from './screens/Close';
import { Import } from './screens/Import';
import { Payouts } from './screens/Payouts';
import { Reports } from './screens/Reports';
import { Sync } from './screens/Sync';
import { TrialBalance } from './screens/TrialBalance';

type Screen = 'dashboard' | 'ledger' | 'trialBalance' | 'members' | 'audit' | 'sync' | 'import' | 'reconcile' | 'withdrawals' | 'payouts' | 'close' | 'reports' | 'settings';

const bookScreens: Screen[] = ['dashboard', 'ledger', 'trialBalance', 'members', 'audit'];
const operationScreens: { screen: Screen; capability: Capability }[] = [
  { screen: 'sync', capability: 'sync' },
  { screen: 'import', capability: 'import' },
  { screen: 'reconcile', capability: 'reconcile' },
  { screen: 'withdrawals', capability: 'withdrawals' },
  { screen: 'payouts', capability: 'payouts' },
  { screen: 'close', capability: 'close' },
  { screen: 'reports', capability: 'reports' },
];

function navKey(screen: Screen): MessageKey {
  return `nav.${screen}` as MessageKey;
}

export function App() {
  const { t, language, setLanguage } = useI18n();
  const [appInfo, setAppInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionState | null>(null);
  const [screen, setScreen] = useState<Screen>('dashboard');
  const [fatal, setFatal] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [info, state] = await Promise.all([call('appInfo', {}), call('session', {})]);
      setAppInfo(info);
      setSession(state);
    } catch (failure) {
      setFatal(errorOf(failure));
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const logout = useCallback(async () => {
    setSession(await call('logout', {}));
    setScreen('dashboard');
  }, []);
  const closeWorkspace = useCallback(async () => {
    await call('closeWorkspace', {});
    setScreen('dashboard');
    await refresh();
  }, [refresh]);

  useEffect(
    () =>
      window.ledgerdesk.onMenuCommand((command) => {
        if (command.startsWith('navigate:')) setScreen(command.slice('navigate:'.length) as Screen);
        else if (command === 'language:zh' || command === 'language:en') setLanguage(command.slice('language:'.length) as Language);
        else if (command === 'logout') void logout();
        else if (command === 'closeWorkspace') void closeWorkspace();
      }),
    [logout, closeWorkspace, setLanguage],
  );

  const languageSwitch = (
    <Segmented
      aria-label={t('common.language')}
      size="small"
      value={language}
      onChange={(value) => setLanguage(value as Language)}
      options={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );

  let body;
  if (fatal) body = <ErrorAlert error={fatal} />;
  else if (!appInfo || !session) body = <Spin style={{ margin: 64 }} />;
  else if (!session.workspace) {
    body = <FirstRun appInfo={appInfo} onOpened={(workspace) => setSession({ workspace, user: null })} />;
  } else if (!session.user) {
    const workspace = session.workspace;
    body = <Login workspace={workspace} onLoggedIn={(user) => setSession({ workspace, user })} onSwitchWorkspace={() => void closeWorkspace()} />;
  } else {
    const { workspace, user } = session;
    const content = (() => {
      switch (screen) {
        case 'dashboard':
          return <Dashboard />;
        case 'ledger':
          return <LedgerSearch />;
        case 'trialBalance':
          return <TrialBalance />;
        case 'members':
          return <MemberLedgers today={appInfo.today} />;
        case 'audit':
          return <AuditLog />;
        case 'settings':
          return (
            <Settings
              user={user}
              workspace={workspace}
              fileDialogAvailable={appInfo.fileDialogAvailable}
              onSessionChange={(state) => {
                setSession(state);
                setScreen('dashboard');
              }}
            />
          );
        case 'sync':
          if (appInfo.capabilities.sync) return <Sync user={user} />;
          break;
        case 'import':
          if (appInfo.capabilities.import) return <Import user={user} fileDialogAvailable={appInfo.fileDialogAvailable} />;
          break;
        case 'payouts':
          if (appInfo.capabilities.payouts) return <Payouts user={user} fileDialogAvailable={appInfo.fileDialogAvailable} />;
          break;
        case 'close':
          if (appInfo.capabilities.close) return <Close user={user} today={appInfo.today} onOpenReconciliation={() => setScreen('reconcile')} />;
          break;
        case 'reports':
          if (appInfo.capabilities.reports) return <Reports user={user} today={appInfo.today} fileDialogAvailable={appInfo.fileDialogAvailable} />;
          break;
        case 'reconcile':
          if (appInfo.capabilities.reconcile) return <Reconciliation user={user} />;
          break;
        case 'withdrawals':
          if (appInfo.capabilities.withdrawals) return <Withdrawals user={user} />;
          break;
      }
      // Every other operations screen: its engine is not wired into this build yet.
      return (
        <>
          <Typography.Title level={3}>{t(navKey(screen))}</Typography.Title>
          <NotAvailable feature={t(navKey(screen))} />
        </>
      );
    })();
    return (
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={200} theme="light" className="app-sider">
          <div className="app-brand">{t('app.name')}</div>
          <nav aria-label="main">
            <Menu
              mode="inline"
              selectedKeys={[screen]}
              onClick={(item) => setScreen(item.key as Screen)}
              items={[
                { type: 'group', label: t('nav.groupBooks'), children: bookScreens.map((key) => ({ key, label: t(navKey(key)) })) },
                {
                  type: 'group',
                  label: t('nav.groupOperations'),
                  children: operationScreens.map(({ screen: key, capability }) => ({
                    key,
                    label: appInfo.capabilities[capability] ? t(navKey(key)) : <span className="nav-unavailable">{t(navKey(key))}</span>,
                  })),
                },
                { type: 'divider' },
                { key: 'settings', label: t('nav.settings') },
              ]}
            />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header className="app-header">
            <Typography.Text strong data-testid="header-company">
              {workspace.companyName}
            </Typography.Text>
            <Space>
              {languageSwitch}
              <Typography.Text data-testid="header-user">
                {user.userName} · {t(`role.${user.role}` as MessageKey)}
              </Typography.Text>
              <Button size="small" onClick={() => void logout()}>
                {t('header.logout')}
              </Button>
              <Button size="small" onClick={() => void closeWorkspace()}>
                {t('header.closeWorkspace')}
              </Button>
            </Space>
          </Layout.Header>
          <Layout.Content className="app-content" role="main">
            {content}
          </Layout.Content>
        </Layout>
      </Layout>
    );
  }
  return (
    <div className="app-plain">
      <div className="app-plain-toolbar">{languageSwitch}</div>
      {body}
    </div>
  );
}

export function Root({ children }: { children: React.ReactNode }) {
  const { language } = useI18n();
  return (
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} button={{ autoInsertSpace: false }} theme={{ token: { colorPrimary: '#1f5fbf', fontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif" } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
