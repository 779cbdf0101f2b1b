import { App as AntApp, Button, Checkbox, Descriptions, Input, Modal, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ApiError, SessionUser, WithdrawalRow, WithdrawalStatus } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

/** Tier 1 is operations, tier 2 is finance; core enforces both and that they are different people. */
function ReviewDialog({ row, thresholdFen, tier, onClose }: { row: WithdrawalRow; thresholdFen: number; tier: 1 | 2; onClose(changed: boolean): void }) {
  const { t, td } = useI18n();
  const { message } = AntApp.useApp();
  const [note, setNote] = useState('');
  const [confirmIdentity, setConfirmIdentity] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const large = row.amountFen >= thresholdFen;
  const history = useQuery('withdrawalMemberHistory', tier === 2 && large ? { memberId: row.memberId } : null);

  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(null);
    try {
      const result = await call('withdrawalReview', { withdrawalNo: row.withdrawalNo, decision, confirmIdentity: confirmIdentity || undefined, note: note.trim() || undefined });
      void message.success(t('withdrawals.decided', { no: result.withdrawalNo, status: td('withdrawalStatus', result.status) }));
      onClose(true);
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      title={t('withdrawals.reviewTitle', { no: row.withdrawalNo, tier })}
      onCancel={() => onClose(false)}
      footer={[
        <Button key="reject" danger loading={busy} onClick={() => void decide('reject')}>
          {t('withdrawals.reject')}
        </Button>,
        <Button key="approve" type="primary" loading={busy} disabled={tier === 2 && large && !confirmIdentity} onClick={() => void decide('approve')}>
          {t('withdrawals.approve')}
        </Button>,
      ]}
    >
      <ErrorAlert error={error} />
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('members.memberId')}>{row.memberId}</Descriptions.Item>
        <Descriptions.Item label={t('withdrawals.realName')}>{row.realName ?? ''}</Descriptions.Item>
        <Descriptions.Item label={t('withdrawals.amount')}>
          <Amount value={row.amountFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('withdrawals.net')}>
          <Amount value={row.netFen} />
        </Descriptions.Item>
        <Descriptions.Item label={t('withdrawals.source')}>{td('withdrawalSource', row.source)}</Descriptions.Item>
        <Descriptions.Item label={t('withdrawals.method')}>{td('channel', row.method)}</Descriptions.Item>
      </Descriptions>
      {tier === 2 && large && (
        <div style={{ marginTop: 12 }} data-testid="identity-check">
          <Typography.Paragraph type="warning">{t('withdrawals.largeNotice')}</Typography.Paragraph>
          {history.data && (
            <Typography.Paragraph>
              {t('withdrawals.history', {
                count: history.data.commissionCount,
                paid: history.data.commissionPaidCount,
                flagged: history.data.commissionFlaggedCount,
                withdrawals: history.data.withdrawals.length,
              })}
            </Typography.Paragraph>
          )}
          <Checkbox checked={confirmIdentity} onChange={(event) => setConfirmIdentity(event.target.checked)}>
            {t('withdrawals.confirmIdentity', { name: row.realName ?? '' })}
          </Checkbox>
        </div>
      )}
      <label style={{ display: 'block', marginTop: 12 }}>
        {t('reconcile.note')}
        <Input.TextArea rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
    </Modal>
  );
}

const queues: { key: string; status?: WithdrawalStatus }[] = [
  { key: 'submitted', status: 'submitted' },
  { key: 'tier1_approved', status: 'tier1_approved' },
  { key: 'all' },
];

export function Withdrawals({ user }: { user: SessionUser }) {
  const { t, td } = useI18n();
  const [queue, setQueue] = useState('submitted');
  const [reviewing, setReviewing] = useState<WithdrawalRow | null>(null);
  const status = queues.find((entry) => entry.key === queue)?.status;
  const list = useQuery('withdrawalsList', status ? { status } : {});
  const tier: 1 | 2 | null = user.permissions.includes('withdrawal.review.operations') ? 1 : user.permissions.includes('withdrawal.review.finance') ? 2 : null;
  const reviewable = (row: WithdrawalRow) => (tier === 1 && row.status === 'submitted') || (tier === 2 && row.status === 'tier1_approved');
  const threshold = list.data?.identityThresholdFen ?? 0;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.withdrawals')}</Typography.Title>
      {tier === null && <Typography.Text type="secondary">{t('withdrawals.noReviewRole')}</Typography.Text>}
      <Tabs activeKey={queue} onChange={setQueue} items={queues.map((entry) => ({ key: entry.key, label: t(`withdrawals.queue.${entry.key}` as 'withdrawals.queue.all') }))} />
      <ErrorAlert error={list.error} />
      <Table<WithdrawalRow>
        size="small"
        rowKey="withdrawalNo"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.noData') }}
        data-testid="withdrawals-table"
        columns={[
          { title: t('withdrawals.no'), dataIndex: 'withdrawalNo' },
          { title: t('withdrawals.submittedAt'), dataIndex: 'submittedAt', render: (value: string) => formatShanghaiTime(value) },
          { title: t('members.memberId'), dataIndex: 'memberId' },
          { title: t('withdrawals.source'), dataIndex: 'source', render: (value: string) => td('withdrawalSource', value) },
          {
            title: t('withdrawals.amount'),
            dataIndex: 'amountFen',
            align: 'right',
            render: (value: number) => (
              <Space>
                <Amount value={value} />
                {value >= threshold && threshold > 0 ? <Tag color="orange">{t('withdrawals.large')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('withdrawals.status'), dataIndex: 'status', render: (value: string) => td('withdrawalStatus', value) },
          { title: t('withdrawals.tier1'), dataIndex: 'tier1By', render: (value: string | null) => value ?? '' },
          { title: t('withdrawals.tier2'), dataIndex: 'tier2By', render: (value: string | null) => value ?? '' },
          {
            title: '',
            key: 'review',
            render: (_value, row) =>
              reviewable(row) ? (
                <Button size="small" onClick={() => setReviewing(row)}>
                  {t('withdrawals.review')}
                </Button>
              ) : null,
          },
        ]}
      />
      {reviewing && tier && (
        <ReviewDialog
          row={reviewing}
          tier={tier}
          thresholdFen={threshold}
          onClose={(changed) => {
            setReviewing(null);
            if (changed) list.reload();
          }}
        />
      )}
    </Space>
  );
}
