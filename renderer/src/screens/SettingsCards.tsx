import { App as AntApp, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ApiError, BackupInfo, PayoutApiKind, SavePayoutMerchantArgs, SessionState, SessionUser, SettlementCycleInfo } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { formatFen, formatPoints, parseYuanText } from '../format';
import { useI18n, type MessageKey } from '../i18n';

/** Reads a chosen PEM file as text in the page (FileReader): no path crosses the bridge. */
function PemFileButton({ label, onText }: { label: string; onText(text: string): void }) {
  return (
    <label className="pem-file">
      <span className="pem-file-label">{label}</span>
      <input
        type="file"
        accept=".pem,.crt,.cer,.key,.txt"
        aria-label={label}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void file.text().then(onText);
          event.target.value = '';
        }}
      />
    </label>
  );
}

interface MerchantFormValues {
  baseUrl: string;
  mchid: string;
  appid: string;
  serialNo: string;
  api: PayoutApiKind;
  merchantPrivateKeyPem?: string;
  platformKeyPem?: string;
  platformSerial?: string;
}

/**
 * WeChat Pay merchant settings for payouts. The private key goes to main once and is stored
 * encrypted in the workspace; it never comes back: the card shows its fingerprint only.
 */
export function PayoutMerchantCard({ mayChange }: { mayChange: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const config = useQuery('payoutMerchantConfig', {});
  const [form] = Form.useForm<MerchantFormValues>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const data = config.data;

  useEffect(() => {
    if (data?.configured) {
      form.setFieldsValue({ baseUrl: data.baseUrl ?? '', mchid: data.mchid ?? '', appid: data.appid ?? '', serialNo: data.serialNo ?? '', api: data.api ?? 'transfer-bills', platformSerial: data.platformSerial ?? '' });
    }
  }, [data, form]);

  async function save(values: MerchantFormValues) {
    setError(null);
    setBusy(true);
    const optional = (text: string | undefined) => (text && text.trim() ? text.trim() : undefined);
    const args: SavePayoutMerchantArgs = {
      baseUrl: values.baseUrl.trim(),
      mchid: values.mchid.trim(),
      appid: values.appid.trim(),
      serialNo: values.serialNo.trim(),
      api: values.api,
      merchantPrivateKeyPem: optional(values.merchantPrivateKeyPem),
      platformKeyPem: optional(values.platformKeyPem),
      platformSerial: optional(values.platformSerial),
    };
    try {
      await call('savePayoutMerchantConfig', args);
      // The key text leaves the page's state as soon as main has it.
      form.setFieldsValue({ merchantPrivateKeyPem: '', platformKeyPem: '' });
      void message.success(t('merchant.saved'));
      config.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const required = [{ required: true, message: t('firstRun.required') }];
  return (
    <Card title={t('merchant.title')} data-testid="merchant-card">
      <ErrorAlert error={config.error ?? error} />
      {data?.configured ? (
        <Descriptions size="small" column={2} bordered data-testid="merchant-info" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('merchant.mchid')}>{data.mchid}</Descriptions.Item>
          <Descriptions.Item label={t('merchant.appid')}>{data.appid}</Descriptions.Item>
          <Descriptions.Item label={t('merchant.baseUrl')}>{data.baseUrl}</Descriptions.Item>
          <Descriptions.Item label={t('merchant.api')}>{data.api ? t(`merchant.api.${data.api}` as MessageKey) : ''}</Descriptions.Item>
          <Descriptions.Item label={t('merchant.serialNo')} span={2}>
            <code>{data.serialNo}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('merchant.privateKey')} span={2}>
            {data.merchantKeyStored ? <Tag color="green">{t('merchant.keyStored')}</Tag> : <Tag color="red">{t('merchant.keyMissing')}</Tag>}
            {data.merchantKeyFingerprintSha256 && (
              <Typography.Text type="secondary" data-testid="merchant-key-fingerprint">
                {t('merchant.fingerprint')} <code>{data.merchantKeyFingerprintSha256}</code>
              </Typography.Text>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('merchant.platformSerial')} span={2}>
            <code>{data.platformSerial}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('merchant.platformKey')} span={2}>
            {t('merchant.fingerprint')} <code>{data.platformKeyFingerprintSha256}</code>
          </Descriptions.Item>
        </Descriptions>
      ) : (
        <Typography.Paragraph type="secondary" data-testid="merchant-none">
          {t('merchant.none')}
        </Typography.Paragraph>
      )}
      {mayChange ? (
        <Form form={form} layout="vertical" name="payout-merchant" initialValues={{ api: 'transfer-bills', baseUrl: 'https://api.mch.weixin.qq.com' }} onFinish={(values) => void save(values)} style={{ maxWidth: 760 }}>
          <Space size="middle" wrap align="start">
            <Form.Item name="mchid" label={t('merchant.mchid')} rules={required}>
              <Input style={{ width: 200 }} autoComplete="off" />
            </Form.Item>
            <Form.Item name="appid" label={t('merchant.appid')} rules={required}>
              <Input style={{ width: 220 }} autoComplete="off" />
            </Form.Item>
            <Form.Item name="api" label={t('merchant.api')}>
              <Select
                style={{ width: 220 }}
                options={(['transfer-bills', 'batches'] as const).map((api) => ({ value: api, label: t(`merchant.api.${api}` as MessageKey) }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="baseUrl" label={t('merchant.baseUrl')} rules={required}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="serialNo" label={t('merchant.serialNo')} rules={required}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="merchantPrivateKeyPem"
            label={t('merchant.privateKeyPem')}
            extra={data?.merchantKeyStored ? t('merchant.keepStoredKey') : t('merchant.privateKeyHint')}
            rules={data?.merchantKeyStored ? [] : required}
          >
            <Input.TextArea rows={3} autoComplete="off" spellCheck={false} placeholder="-----BEGIN PRIVATE KEY-----" className="pem-input" />
          </Form.Item>
          <PemFileButton label={t('merchant.readPrivateKeyFile')} onText={(text) => form.setFieldsValue({ merchantPrivateKeyPem: text })} />
          <Form.Item
            name="platformKeyPem"
            label={t('merchant.platformKeyPem')}
            extra={data?.configured ? t('merchant.keepStoredPlatformKey') : t('merchant.platformKeyHint')}
            rules={data?.configured ? [] : required}
            style={{ marginTop: 12 }}
          >
            <Input.TextArea rows={3} autoComplete="off" spellCheck={false} placeholder="-----BEGIN PUBLIC KEY----- / -----BEGIN CERTIFICATE-----" className="pem-input" />
          </Form.Item>
          <PemFileButton label={t('merchant.readPlatformKeyFile')} onText={(text) => form.setFieldsValue({ platformKeyPem: text })} />
          <Form.Item name="platformSerial" label={t('merchant.platformSerial')} extra={t('merchant.platformSerialHint')} style={{ marginTop: 12 }}>
            <Input style={{ width: 420 }} autoComplete="off" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('merchant.save')}
          </Button>
        </Form>
      ) : (
        <Typography.Text type="secondary">{t('settings.adminOnly')}</Typography.Text>
      )}
    </Card>
  );
}

const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;

interface CycleFormValues {
  period: 'weekly' | 'monthly';
  weekday: number;
  minimumPayout: string;
}

/** Settlement cycle (weekly on a weekday, or monthly) and the minimum payout. */
export function SettlementSettingsCard({ mayChange }: { mayChange: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const settings = useQuery('settlementSettings', {});
  const [form] = Form.useForm<CycleFormValues>();
  const period = Form.useWatch('period', form);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const data = settings.data;

  useEffect(() => {
    if (data) {
      form.setFieldsValue({
        period: data.cycle.period,
        weekday: data.cycle.period === 'weekly' ? data.cycle.weekday : 1,
        minimumPayout: formatFen(data.minimumPayoutFen).replace('¥', ''),
      });
    }
  }, [data, form]);

  async function save(values: CycleFormValues) {
    setError(null);
    const minimumPayoutFen = parseYuanText(values.minimumPayout);
    if (minimumPayoutFen === null || (data && minimumPayoutFen < data.channelMinimumFen)) {
      setError({ code: 'invalid_input', message: t('cycle.minimumInvalid', { minimum: formatFen(data?.channelMinimumFen ?? 1) }) });
      return;
    }
    const cycle: SettlementCycleInfo = values.period === 'monthly' ? { period: 'monthly' } : { period: 'weekly', weekday: values.weekday };
    setBusy(true);
    try {
      await call('saveSettlementSettings', { cycle, minimumPayoutFen });
      void message.success(t('settings.saved'));
      settings.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('cycle.title')} data-testid="cycle-card">
      <ErrorAlert error={settings.error ?? error} />
      {data && (
        <Descriptions size="small" column={2} bordered data-testid="cycle-info" style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('cycle.current')}>
            {data.cycle.period === 'weekly' ? t('cycle.weeklyOn', { weekday: t(`weekday.${data.cycle.weekday}` as MessageKey) }) : t('cycle.monthlyDescription')}
          </Descriptions.Item>
          <Descriptions.Item label={t('cycle.minimumPayout')}>
            <span data-testid="cycle-minimum">
              <Amount value={data.minimumPayoutFen} />
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('cycle.latest')} span={2}>
            <span data-testid="cycle-latest">{t('cycle.range', { start: data.latestCycle.start, end: data.latestCycle.end })}</span>
          </Descriptions.Item>
        </Descriptions>
      )}
      <Form form={form} layout="vertical" name="settlement-settings" disabled={!mayChange} onFinish={(values) => void save(values)} style={{ maxWidth: 620 }}>
        <Form.Item name="period" label={t('cycle.period')}>
          <Radio.Group
            options={[
              { value: 'weekly', label: t('cycle.weekly') },
              { value: 'monthly', label: t('cycle.monthly') },
            ]}
          />
        </Form.Item>
        {period !== 'monthly' && (
          <Form.Item name="weekday" label={t('cycle.weekday')} extra={t('cycle.weekdayHint')}>
            <Select style={{ width: 160 }} options={weekdays.map((day) => ({ value: day, label: t(`weekday.${day}` as MessageKey) }))} />
          </Form.Item>
        )}
        <Form.Item
          name="minimumPayout"
          label={t('cycle.minimumPayoutYuan')}
          extra={t('cycle.minimumHint', { minimum: formatFen(data?.channelMinimumFen ?? 1) })}
          rules={[{ required: true, message: t('firstRun.required') }]}
        >
          <Input style={{ width: 180 }} prefix="¥" autoComplete="off" />
        </Form.Item>
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

/**
 * Whether polling cancels WeChat transfer bills the payee has not confirmed N minutes after they
 * were sent; off, WeChat itself expires them after 24 h.
 */
export function UnconfirmedPolicyCard({ mayChange }: { mayChange: boolean }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const policy = useQuery('unconfirmedPolicy', {});
  const [mode, setMode] = useState<'off' | 'cancel'>('off');
  const [minutes, setMinutes] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const data = policy.data;
  const maximumMinutes = data?.maximumMinutes ?? 1430;

  useEffect(() => {
    if (data) {
      setMode(data.cancelAfterMinutes === null ? 'off' : 'cancel');
      setMinutes(data.cancelAfterMinutes);
    }
  }, [data]);

  async function save() {
    setError(null);
    if (mode === 'cancel' && (minutes === null || !Number.isInteger(minutes) || minutes < 1 || minutes > maximumMinutes)) {
      setError({ code: 'invalid_input', message: t('unconfirmed.invalid', { max: maximumMinutes }) });
      return;
    }
    setBusy(true);
    try {
      await call('saveUnconfirmedPolicy', { cancelAfterMinutes: mode === 'off' ? null : minutes });
      void message.success(t('settings.saved'));
      policy.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('unconfirmed.title')} data-testid="unconfirmed-card">
      <Typography.Paragraph type="secondary">{t('unconfirmed.explanation')}</Typography.Paragraph>
      <ErrorAlert error={policy.error ?? error} />
      {data && (
        <Tag color={data.cancelAfterMinutes === null ? 'default' : 'blue'} data-testid="unconfirmed-current" style={{ marginBottom: 12 }}>
          {data.cancelAfterMinutes === null ? t('unconfirmed.currentOff') : t('unconfirmed.currentOn', { minutes: data.cancelAfterMinutes })}
        </Tag>
      )}
      <Space direction="vertical">
        <Radio.Group
          value={mode}
          disabled={!mayChange}
          onChange={(event) => setMode(event.target.value as 'off' | 'cancel')}
          options={[
            { value: 'off', label: t('unconfirmed.off') },
            { value: 'cancel', label: t('unconfirmed.cancelAfter') },
          ]}
        />
        {mode === 'cancel' && (
          <Space direction="vertical" size={2}>
            <InputNumber
              style={{ width: 160 }}
              min={1}
              max={maximumMinutes}
              precision={0}
              value={minutes}
              onChange={(value) => setMinutes(value)}
              disabled={!mayChange}
              aria-label={t('unconfirmed.minutes')}
              addonAfter={t('unconfirmed.minutes')}
            />
            <Typography.Text type="secondary">{t('unconfirmed.minutesHint', { max: maximumMinutes })}</Typography.Text>
          </Space>
        )}
        {mayChange ? (
          <Button type="primary" onClick={() => void save()} loading={busy}>
            {t('common.save')}
          </Button>
        ) : (
          <Typography.Text type="secondary">{t('settings.adminOnly')}</Typography.Text>
        )}
      </Space>
    </Card>
  );
}

function BackupResult({ backup }: { backup: BackupInfo }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={1} bordered data-testid="backup-result" style={{ marginTop: 12 }}>
      <Descriptions.Item label={t('backup.file')}>{backup.file}</Descriptions.Item>
      <Descriptions.Item label="SHA-256">
        <code data-testid="backup-sha256">{backup.sha256}</code>
      </Descriptions.Item>
      <Descriptions.Item label={t('backup.size')}>{t('backup.bytes', { bytes: formatPoints(backup.bytes) })}</Descriptions.Item>
      <Descriptions.Item label={t('backup.auditRows')}>{formatPoints(backup.auditRowCount)}</Descriptions.Item>
    </Descriptions>
  );
}

/**
 * Backup (an encrypted copy, VACUUM INTO, in a worker) and restore (verified, then swapped in one
 * step). In the desktop shell the file comes from a native dialog in main; where there is none
 * (the test bridge) the path is typed and main validates it.
 */
export function BackupCard({ user, fileDialogAvailable, onSessionChange }: { user: SessionUser; fileDialogAvailable: boolean; onSessionChange(state: SessionState): void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const progress = useTaskProgress();
  const mayBackup = user.permissions.includes('backup.run');
  const mayRestore = user.permissions.includes('backup.restore');
  const [backupPath, setBackupPath] = useState('');
  const [restorePath, setRestorePath] = useState('');
  const [password, setPassword] = useState('');
  const [backup, setBackup] = useState<BackupInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState<'backup' | 'restore' | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function choose(mode: 'save' | 'open'): Promise<string | null> {
    const chosen = await call('chooseBackupPath', { mode });
    return chosen.path;
  }

  async function runBackup() {
    setError(null);
    setRunning('backup');
    try {
      const path = fileDialogAvailable ? await choose('save') : backupPath.trim();
      if (!path) return;
      setBackup(await call('backupWorkspace', { path }));
      void message.success(t('backup.done'));
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(null);
    }
  }

  async function chooseRestoreFile() {
    setError(null);
    try {
      const path = await choose('open');
      if (path) setRestorePath(path);
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  async function runRestore() {
    setConfirming(false);
    setError(null);
    setRunning('restore');
    try {
      const restored = await call('restoreWorkspace', { path: restorePath.trim(), password });
      setPassword('');
      void message.success(t('backup.restored', { sha256: restored.sha256.slice(0, 12) }));
      onSessionChange(restored.session);
    } catch (failure) {
      // Refused before anything was replaced: the workspace is as it was and the user still logged in.
      setPassword('');
      setError(errorOf(failure));
    } finally {
      setRunning(null);
    }
  }

  return (
    <Card title={t('backup.title')} data-testid="backup-card">
      <ErrorAlert error={error} />
      <Typography.Title level={5}>{t('backup.backupTitle')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('backup.backupHint')}</Typography.Paragraph>
      {mayBackup ? (
        <Space wrap>
          {!fileDialogAvailable && (
            <Input style={{ width: 420 }} value={backupPath} onChange={(event) => setBackupPath(event.target.value)} placeholder={t('backup.pathPlaceholder')} aria-label={t('backup.backupPath')} />
          )}
          <Button type="primary" onClick={() => void runBackup()} loading={running === 'backup'} disabled={running !== null || (!fileDialogAvailable && !backupPath.trim())}>
            {fileDialogAvailable ? t('backup.backupChoose') : t('backup.backupNow')}
          </Button>
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('backup.noBackupPermission')}</Typography.Text>
      )}
      <TaskProgress progress={progress} running={running !== null} />
      {backup && <BackupResult backup={backup} />}
      <Typography.Title level={5} style={{ marginTop: 20 }}>
        {t('backup.restoreTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('backup.restoreHint')}</Typography.Paragraph>
      {mayRestore ? (
        <Space wrap>
          {fileDialogAvailable ? (
            <>
              <Button onClick={() => void chooseRestoreFile()}>{t('backup.restoreChoose')}</Button>
              {restorePath && <Typography.Text code>{restorePath}</Typography.Text>}
            </>
          ) : (
            <Input style={{ width: 420 }} value={restorePath} onChange={(event) => setRestorePath(event.target.value)} placeholder={t('backup.pathPlaceholder')} aria-label={t('backup.restorePath')} />
          )}
          <Input.Password style={{ width: 220 }} value={password} onChange={(event) => setPassword(event.target.value)} aria-label={t('backup.password')} placeholder={t('backup.password')} autoComplete="current-password" />
          <Button danger onClick={() => setConfirming(true)} loading={running === 'restore'} disabled={running !== null || !restorePath.trim() || !password}>
            {t('backup.restore')}
          </Button>
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('backup.noRestorePermission')}</Typography.Text>
      )}
      <Modal open={confirming} title={t('backup.confirmTitle')} okText={t('backup.restore')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onOk={() => void runRestore()} onCancel={() => setConfirming(false)}>
        <Typography.Paragraph>{t('backup.confirmText', { file: restorePath })}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}
