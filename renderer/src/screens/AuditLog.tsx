import { Button, Form, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { AuditItem, HandlerArgs } from '../../../electron/api';
import { useQuery } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

type Filters = { userName?: string; objectType?: string; objectId?: string; fromDate?: string; toDate?: string };

function clean(filters: Filters): HandlerArgs<'listAudit'> {
  const args: HandlerArgs<'listAudit'> = { limit: 1000 };
  for (const key of ['userName', 'objectType', 'objectId', 'fromDate', 'toDate'] as const) {
    const value = filters[key]?.trim();
    if (value) args[key] = value;
  }
  return args;
}

export function AuditLog() {
  const { t } = useI18n();
  const [filters, setFilters] = useState<HandlerArgs<'listAudit'>>({ limit: 1000 });
  const result = useQuery('listAudit', filters);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
      <Form layout="inline" name="audit-filters" onFinish={(values: Filters) => setFilters(clean(values))}>
        <Form.Item name="userName" label={t('audit.user')}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="objectType" label={t('audit.objectType')}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="objectId" label={t('audit.objectId')}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="fromDate" label={t('common.from')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="toDate" label={t('common.to')}>
          <Input type="date" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.search')}
        </Button>
      </Form>
      <ErrorAlert error={result.error} />
      <Table<AuditItem>
        size="small"
        rowKey="id"
        loading={result.loading}
        dataSource={result.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.noData') }}
        columns={[
          { title: '#', dataIndex: 'id', width: 70 },
          { title: t('audit.at'), dataIndex: 'at', width: 170, render: (value: string) => formatShanghaiTime(value) },
          { title: t('audit.user'), dataIndex: 'userName', width: 110 },
          { title: t('audit.action'), dataIndex: 'action', width: 150 },
          { title: t('audit.objectType'), dataIndex: 'objectType', width: 110 },
          { title: t('audit.objectId'), dataIndex: 'objectId', width: 140, render: (value: string | null) => value ?? '' },
          { title: t('audit.detail'), dataIndex: 'detail', render: (value: Record<string, unknown>) => <code className="audit-detail">{JSON.stringify(value)}</code> },
        ]}
      />
    </Space>
  );
}
