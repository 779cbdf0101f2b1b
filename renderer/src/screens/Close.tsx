import { App as AntApp, Button, Card, Descriptions, Input, List, Result, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, CloseBlocker, CloseFiguresInfo, SessionUser } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { formatShanghaiTime } from '../format';
import { useI18n, type Translate } from '../i18n';

/** The month before today's month: what a month-end close is usually about. */
export function previousMonth(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

function BlockerItem({ blocker, t }: { blocker: CloseBlocker; t: Translate }) {
  if (blocker.kind === 'discrepancy_rate') {
    return (
      <span className="blocker" data-testid="close-blocker">
        {t('close.blockerRate', { rate: blocker.rate, threshold: blocker.threshold, count: blocker.openDiscrepancies })} (<Amount value={blocker.openDifferenceFen} /> / <Amount value={blocker.channelPaymentFen} />)
      </span>
    );
  }
  return (
    <span className="blocker" data-testid="close-blocker">
      {t('close.blockerGmv', { days: blocker.days })} (<Amount value={blocker.differenceFen} />)
    </span>
  );
}

function Figures({ figures }: { figures: CloseFiguresInfo }) {
  const { t } = useI18n();
  return (
    <Descriptions size="small" column={3} bordered data-testid="close-figures">
      <Descriptions.Item label={t('reconcile.rate')}>{figures.discrepancyRate}</Descriptions.Item>
      <Descriptions.Item label={t('close.threshold')}>{figures.threshold}</Descriptions.Item>
      <Descriptions.Item label={t('reconcile.open')}>{figures.openDiscrepancies}</Descriptions.Item>
      <Descriptions.Item label={t('reconcile.openDifference')}>
        <Amount value={figures.openDifferenceFen} />
      </Descriptions.Item>
      <Descriptions.Item label={t('close.channelPayments')}>
        <Amount value={figures.channelPaymentFen} />
      </Descriptions.Item>
      <Descriptions.Item label={t('close.gmvDifference')}>
        <Amount value={figures.gmvDifferenceFen} /> {figures.gmvDaysDiffering.length ? t('close.gmvDays', { days: figures.gmvDaysDiffering.map((day) => day.date).join(', ') }) : ''}
      </Descriptions.Item>
    </Descriptions>
  );
}

/**
 * Month-end close as a wizard: the checks with their figures, what blocks the close, the close
 * itself (core reconciles again first), and reopening for finance with a reason.
 */
export function Close({ user, today, onOpenReconciliation }: { user: SessionUser; today: string; onOpenReconciliation(): void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [month, setMonth] = useState(previousMonth(today));
  const check = useQuery('closeCheck', /^\d{4}-\d{2}$/.test(month) ? { month } : null);
  const [refusal, setRefusal] = useState<{ blockers: CloseBlocker[]; message: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const progress = useTaskProgress();
  const [reason, setReason] = useState('');
  const mayClose = user.permissions.includes('period.close');
  const mayReopen = user.permissions.includes('period.reopen');
  const data = check.data;
  const closed = data?.status.status === 'closed';
  const blockers = refusal?.blockers ?? data?.blockers ?? [];
  const current = closed ? 2 : blockers.length > 0 ? 1 : 0;

  async function close() {
    setBusy(true);
    setError(null);
    try {
      const result = await call('closeMonth', { month });
      if (result.closed) {
        setRefusal(null);
        void message.success(t('close.closedMessage', { month }));
      } else setRefusal({ blockers: result.blockers, message: result.message });
      check.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  async function reopen() {
    setBusy(true);
    setError(null);
    try {
      await call('reopenMonth', { month, reason });
      setReason('');
      void message.success(t('close.reopenedMessage', { month }));
      check.reload();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.close')}</Typography.Title>
      <label>
        {t('close.month')}{' '}
        <Input
          type="month"
          style={{ width: 180 }}
          value={month}
          aria-label={t('close.month')}
          onChange={(event) => {
            setMonth(event.target.value);
            setRefusal(null);
          }}
        />
      </label>
      <Steps current={current} status={!closed && blockers.length ? 'error' : 'process'} items={[{ title: t('close.stepCheck') }, { title: t('close.stepBlockers') }, { title: t('close.stepClose') }]} />
      <ErrorAlert error={error ?? check.error} />
      {data && (
        <Card size="small" title={t('close.figuresTitle', { month })}>
          <Figures figures={data.figures} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('close.figuresNote')}
          </Typography.Paragraph>
        </Card>
      )}
      {data && !closed && (
        <Card size="small" title={t('close.blockersTitle')} data-testid="close-blockers">
          {blockers.length === 0 ? (
            <Tag color="green" data-testid="close-ready">
              {t('close.ready')}
            </Tag>
          ) : (
            <>
              <List size="small" dataSource={blockers} renderItem={(blocker) => <List.Item><BlockerItem blocker={blocker} t={t} /></List.Item>} />
              <Button type="link" onClick={onOpenReconciliation}>
                {t('close.toReconciliation')}
              </Button>
            </>
          )}
          <div style={{ marginTop: 12 }}>
            <Button type="primary" onClick={() => void close()} loading={busy} disabled={!mayClose}>
              {t('close.run', { month })}
            </Button>
            {!mayClose && <Typography.Text type="secondary"> {t('close.noPermission')}</Typography.Text>}
          </div>
          <TaskProgress progress={progress} running={busy} />
        </Card>
      )}
      {data && closed && (
        <Result
          status="success"
          data-testid="close-closed"
          title={t('close.isClosed', { month })}
          subTitle={t('close.closedBy', { user: data.status.closedBy ?? '', at: data.status.closedAt ? formatShanghaiTime(data.status.closedAt) : '' })}
          extra={
            mayReopen ? (
              <Space direction="vertical" style={{ width: 420 }}>
                <Input.TextArea rows={2} value={reason} onChange={(event) => setReason(event.target.value)} placeholder={t('close.reopenReason')} aria-label={t('close.reopenReason')} />
                <Button danger onClick={() => void reopen()} loading={busy} disabled={!reason.trim()}>
                  {t('close.reopen')}
                </Button>
              </Space>
            ) : (
              <Typography.Text type="secondary">{t('close.reopenFinanceOnly')}</Typography.Text>
            )
          }
        />
      )}
      {data?.status.reopenedAt && !closed && (
        <Typography.Text type="secondary">{t('close.reopenedBy', { user: data.status.reopenedBy ?? '', at: formatShanghaiTime(data.status.reopenedAt), reason: data.status.reopenReason ?? '' })}</Typography.Text>
      )}
    </Space>
  );
}
