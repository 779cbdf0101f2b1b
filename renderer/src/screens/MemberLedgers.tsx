import { Button, Descriptions, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { HandlerArgs, MemberStatementResult, MemberSubLedger } from '../../../electron/api';
import { memberSubLedgers } from '../../../electron/api';
import { useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

type Line = MemberStatementResult['lines'][number];

/** Stored value, withdrawable balance, commission payable and points: separate statements that never mix. */
export function MemberLedgers({ today }: { today: string }) {
  const { t, td } = useI18n();
  const [form] = Form.useForm<{ memberId: string; subLedger: MemberSubLedger; fromDate: string; toDate: string }>();
  const [query, setQuery] = useState<HandlerArgs<'memberStatement'> | null>(null);
  const result = useQuery('memberStatement', query);
  const data = result.data;
  const unit = data?.unit ?? 'fen';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('members.title')}</Typography.Title>
      <Form
        form={form}
        layout="inline"
        name="member-statement"
        initialValues={{ subLedger: 'stored_value', fromDate: `${today.slice(0, 7)}-01`, toDate: today }}
        onFinish={(values) => setQuery({ memberId: values.memberId.trim(), subLedger: values.subLedger, fromDate: values.fromDate, toDate: values.toDate })}
      >
        <Form.Item name="memberId" label={t('members.memberId')} rules={[{ required: true, message: t('firstRun.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="subLedger" label={t('members.subLedger')}>
          <Select style={{ width: 160 }} options={memberSubLedgers.map((value) => ({ value, label: td('subLedger', value) }))} />
        </Form.Item>
        <Form.Item name="fromDate" label={t('common.from')} rules={[{ required: true, message: t('firstRun.required') }]}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="toDate" label={t('common.to')} rules={[{ required: true, message: t('firstRun.required') }]}>
          <Input type="date" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.search')}
        </Button>
      </Form>
      <ErrorAlert error={result.error} />
      {data && (
        <>
          <Descriptions size="small" column={4} bordered>
            <Descriptions.Item label={t('members.memberId')}>{data.memberId}</Descriptions.Item>
            <Descriptions.Item label={t('members.subLedger')}>{td('subLedger', data.subLedger)}</Descriptions.Item>
            <Descriptions.Item label={t('members.opening')}>
              <Amount value={data.opening} unit={unit} />
            </Descriptions.Item>
            <Descriptions.Item label={t('members.closing')}>
              <span data-testid="statement-closing">
                <Amount value={data.closing} unit={unit} />
              </span>
            </Descriptions.Item>
          </Descriptions>
          <Table<Line>
            size="small"
            rowKey={(line) => `${line.entryNo}-${line.runningBalance}-${line.change}`}
            dataSource={data.lines}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: t('common.noData') }}
            columns={[
              { title: t('ledger.occurredAt'), dataIndex: 'occurredAt', render: (value: string) => formatShanghaiTime(value) },
              { title: t('ledger.entryType'), dataIndex: 'entryType', render: (value: string) => td('entryType', value) },
              { title: 'No.', dataIndex: 'entryNo' },
              { title: t('ledger.source'), key: 'source', render: (_value, line) => `${line.source.resource} · ${line.source.no ?? line.source.id}` },
              { title: t('members.change'), dataIndex: 'change', align: 'right', render: (value: number) => <Amount value={value} unit={unit} /> },
              { title: t('members.running'), dataIndex: 'runningBalance', align: 'right', render: (value: number) => <Amount value={value} unit={unit} /> },
            ]}
          />
        </>
      )}
    </Space>
  );
}
