import { Button, Form, Input, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useQuery } from '../api-client';
import { AccountTable } from '../components/AccountTable';
import { ErrorAlert } from '../components/ErrorAlert';
import { useI18n } from '../i18n';

export function TrialBalance() {
  const { t } = useI18n();
  const [asOfInput, setAsOfInput] = useState('');
  const [asOfDate, setAsOfDate] = useState<string | null>(null);
  const result = useQuery('trialBalance', { asOfDate });
  const data = result.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('trialBalance.title')}</Typography.Title>
      <Form layout="inline" onFinish={() => setAsOfDate(asOfInput || null)}>
        <Form.Item label={t('trialBalance.asOf')} htmlFor="trial-balance-as-of">
          <Input id="trial-balance-as-of" type="date" value={asOfInput} onChange={(event) => setAsOfInput(event.target.value)} />
        </Form.Item>
        <Button htmlType="submit">{t('common.search')}</Button>
      </Form>
      <ErrorAlert error={result.error} />
      {!data && !result.error && <Spin />}
      {data && (
        <>
          <Tag color={data.debitTotalFen === data.creditTotalFen ? 'green' : 'red'} data-testid="trial-balance-state">
            {data.debitTotalFen === data.creditTotalFen ? t('trialBalance.balanced') : t('trialBalance.unbalanced')}
          </Tag>
          <AccountTable lines={data.lines} totals={{ debitFen: data.debitTotalFen, creditFen: data.creditTotalFen }} />
        </>
      )}
    </Space>
  );
}
