import { Table } from 'antd';
import type { AccountLine } from '../../../electron/api';
import { useI18n } from '../i18n';
import { Amount } from './Amount';

/** Accounts with debit, credit and balance columns; optional totals row. */
export function AccountTable({ lines, totals, caption }: { lines: AccountLine[]; totals?: { debitFen: number; creditFen: number }; caption?: string }) {
  const { t, td, language } = useI18n();
  return (
    <Table<AccountLine>
      size="small"
      rowKey="accountCode"
      pagination={false}
      dataSource={lines}
      title={caption ? () => caption : undefined}
      locale={{ emptyText: t('common.noData') }}
      columns={[
        { title: t('account.code'), dataIndex: 'accountCode', width: 100 },
        { title: t('account.name'), key: 'name', render: (_value, line) => (language === 'zh' ? line.accountNameZh : line.accountName) },
        { title: t('account.kind'), key: 'kind', width: 110, render: (_value, line) => td('kind', line.kind) },
        { title: t('account.debit'), dataIndex: 'debitFen', align: 'right', render: (value: number) => <Amount value={value} /> },
        { title: t('account.credit'), dataIndex: 'creditFen', align: 'right', render: (value: number) => <Amount value={value} /> },
        { title: t('account.balance'), dataIndex: 'balanceFen', align: 'right', render: (value: number) => <Amount value={value} /> },
      ]}
      summary={
        totals
          ? () => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  <strong>{t('common.total')}</strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <strong data-testid="total-debit">
                    <Amount value={totals.debitFen} />
                  </strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <strong data-testid="total-credit">
                    <Amount value={totals.creditFen} />
                  </strong>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} />
              </Table.Summary.Row>
            )
          : undefined
      }
    />
  );
}
