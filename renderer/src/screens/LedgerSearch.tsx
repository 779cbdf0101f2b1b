import { Card, Descriptions, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { LedgerEntry, LedgerPosting } from '../../../electron/api';
import { useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

function EntryCard({ entry, onFollow }: { entry: LedgerEntry; onFollow(text: string): void }) {
  const { t, td, language } = useI18n();
  const debitTotal = entry.postings.reduce((sum, posting) => sum + posting.debitFen, 0);
  const creditTotal = entry.postings.reduce((sum, posting) => sum + posting.creditFen, 0);
  return (
    <Card
      size="small"
      data-testid="ledger-entry"
      title={
        <Space>
          <Typography.Text strong copyable>
            {entry.entryNo}
          </Typography.Text>
          <Tag>{td('entryType', entry.entryType)}</Tag>
          {entry.reversesEntryNo && (
            <Tag color="orange" onClick={() => onFollow(entry.reversesEntryNo!)} style={{ cursor: 'pointer' }}>
              {t('ledger.reverses', { entryNo: entry.reversesEntryNo })}
            </Tag>
          )}
          {entry.reversedByEntryNo && (
            <Tag color="red" onClick={() => onFollow(entry.reversedByEntryNo!)} style={{ cursor: 'pointer' }}>
              {t('ledger.reversedBy', { entryNo: entry.reversedByEntryNo })}
            </Tag>
          )}
        </Space>
      }
    >
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('ledger.occurredAt')}>{formatShanghaiTime(entry.occurredAt)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.postedAt')}>{formatShanghaiTime(entry.postedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.createdBy')}>{entry.createdBy}</Descriptions.Item>
        <Descriptions.Item label={t('ledger.source')} span={3}>
          <span data-testid="ledger-source">
            {entry.source.resource} · {entry.source.no ?? entry.source.id}
            {entry.source.version !== null ? ` · v${entry.source.version}` : ''}
          </span>
        </Descriptions.Item>
        {entry.memo && <Descriptions.Item label={t('ledger.memo')} span={3}>{entry.memo}</Descriptions.Item>}
      </Descriptions>
      <Table<LedgerPosting>
        size="small"
        rowKey="lineNo"
        pagination={false}
        dataSource={entry.postings}
        columns={[
          { title: t('account.code'), dataIndex: 'accountCode', width: 90 },
          { title: t('account.name'), key: 'name', render: (_value, posting) => (language === 'zh' ? posting.accountNameZh : posting.accountName) },
          { title: t('ledger.party'), dataIndex: 'partyId', render: (value: string | null) => value ?? '' },
          { title: t('account.debit'), dataIndex: 'debitFen', align: 'right', render: (value: number) => <Amount value={value} hideZero /> },
          { title: t('account.credit'), dataIndex: 'creditFen', align: 'right', render: (value: number) => <Amount value={value} hideZero /> },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={3}>
              {t('common.total')}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              <Amount value={debitTotal} />
            </Table.Summary.Cell>
            <Table.Summary.Cell index={4} align="right">
              <Amount value={creditTotal} />
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      {entry.pointsMovements.length > 0 && (
        <Typography.Paragraph style={{ marginTop: 8 }}>
          {t('ledger.points')}:{' '}
          {entry.pointsMovements.map((movement, index) => (
            <Tag key={index}>
              {movement.memberId} <Amount value={movement.changePoints} unit="points" /> ({movement.movementKind})
            </Tag>
          ))}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

/** One box: an entry number or a document number gives the whole trace (entries, postings, source). */
export function LedgerSearch({ initialText = '' }: { initialText?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(initialText);
  const [submitted, setSubmitted] = useState(initialText);
  const result = useQuery('ledgerFind', submitted.trim() ? { text: submitted.trim() } : null);
  const follow = (next: string) => {
    setText(next);
    setSubmitted(next);
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('ledger.title')}</Typography.Title>
      <Form layout="vertical">
        <Form.Item label={t('ledger.searchLabel')} htmlFor="ledger-search">
          <Input.Search
            id="ledger-search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onSearch={(value) => setSubmitted(value)}
            placeholder={t('ledger.placeholder')}
            enterButton={t('common.search')}
            loading={result.loading}
            allowClear
          />
        </Form.Item>
      </Form>
      <ErrorAlert error={result.error} />
      {result.data && result.data.entries.length === 0 && <Typography.Text type="secondary">{t('ledger.noResult', { text: result.data.text })}</Typography.Text>}
      {result.data && result.data.entries.length > 0 && (
        <>
          <Typography.Text data-testid="ledger-found">{t('ledger.found', { text: result.data.text, count: result.data.entries.length })}</Typography.Text>
          {result.data.entries.map((entry) => (
            <EntryCard key={entry.entryNo} entry={entry} onFollow={follow} />
          ))}
        </>
      )}
    </Space>
  );
}
