import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { App as AntApp, Button, Card, Col, Descriptions, Empty, Form, Input, Pagination, Row, Select, Space, Statistic, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type {
  ApiError,
  DiscrepancyCategory,
  ReconcileSummaryResult,
  ReconciliationPageArgs,
  ReconciliationRow,
  ReconciliationSortColumn,
  ReconciliationStatus,
  Resolution,
  SessionUser,
} from '../../../electron/api';
import { discrepancyCategoryNames, reconciliationStatusNames, resolutionNames } from '../../../electron/api';
import { call, errorOf, useQuery } from '../api-client';
import { Amount } from '../components/Amount';
import { ErrorAlert } from '../components/ErrorAlert';
import { formatShanghaiTime } from '../format';
import { useI18n } from '../i18n';

/** Server-side pages; the grid virtualises the rows of one page. */
const PAGE_SIZE = 200;
const ROW_HEIGHT_PX = 36;
const GRID_HEIGHT_PX = 440;
/** PageUp / PageDown move by about one screenful of the grid. */
const KEYBOARD_PAGE_ROWS = Math.floor(GRID_HEIGHT_PX / ROW_HEIGHT_PX);

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, ReconciliationRow>();

type Filters = NonNullable<ReconciliationPageArgs['filters']>;

function AmountOrBlank({ value }: { value: number | null }) {
  return value === null ? <span /> : <Amount value={value} />;
}

function RunCard({ mayRun, onDone }: { mayRun: boolean; onDone(summary: ReconcileSummaryResult): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const [running, setRunning] = useState(false);
  const [summary, setSummary] = useState<ReconcileSummaryResult | null>(null);
  async function run(values: { fromDate?: string; toDate?: string }) {
    setRunning(true);
    setError(null);
    try {
      const result = await call('reconcileRun', { fromDate: values.fromDate || undefined, toDate: values.toDate || undefined });
      setSummary(result);
      onDone(result);
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(false);
    }
  }
  return (
    <Card size="small">
      <ErrorAlert error={error} />
      <Form layout="inline" name="reconcile-run" onFinish={(values: { fromDate?: string; toDate?: string }) => void run(values)}>
        <Form.Item name="fromDate" label={t('common.from')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="toDate" label={t('common.to')}>
          <Input type="date" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={running} disabled={!mayRun}>
          {t('reconcile.run')}
        </Button>
      </Form>
      {summary && (
        <Row gutter={16} style={{ marginTop: 12 }} data-testid="reconcile-summary">
          <Col span={5}>
            <Statistic title={t('reconcile.matched')} value={summary.matched} />
          </Col>
          <Col span={5}>
            <Statistic title={t('reconcile.pending')} value={summary.pending} />
          </Col>
          <Col span={5}>
            <Statistic title={t('reconcile.open')} value={summary.openDiscrepancies} valueStyle={summary.openDiscrepancies ? { color: '#cf1322' } : undefined} />
          </Col>
          <Col span={5}>
            <Statistic title={t('reconcile.openDifference')} valueRender={() => <Amount value={summary.openDifferenceFen} />} />
          </Col>
          <Col span={4}>
            <Statistic title={t('reconcile.rate')} value={summary.discrepancyRate} />
          </Col>
        </Row>
      )}
    </Card>
  );
}

function DetailPanel({ id, onResolved, mayReview }: { id: number; onResolved(): void; mayReview: boolean }) {
  const { t, td, language } = useI18n();
  const detail = useQuery('reconciliationDetail', { id });
  if (detail.error) return <ErrorAlert error={detail.error} />;
  const data = detail.data;
  if (!data) return null;
  return (
    <Card size="small" title={t('reconcile.detailTitle', { id })} data-testid="reconcile-detail">
      <Row gutter={16}>
        <Col span={8}>
          <Typography.Title level={5}>{t('reconcile.mallDocument')}</Typography.Title>
          {data.mallDocument ? (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label="resource">
                {data.mallDocument.resource} · v{data.mallDocument.version}
              </Descriptions.Item>
              {Object.entries(data.mallDocument.body)
                .filter(([, value]) => value === null || typeof value !== 'object')
                .slice(0, 14)
                .map(([key, value]) => (
                  <Descriptions.Item key={key} label={key}>
                    {String(value)}
                  </Descriptions.Item>
                ))}
            </Descriptions>
          ) : (
            <Empty description={t('reconcile.noMallDocument')} />
          )}
        </Col>
        <Col span={8}>
          <Typography.Title level={5}>{t('reconcile.billLines')}</Typography.Title>
          {data.channelRows.length ? (
            data.channelRows.map((row) => (
              <div key={row.id} className="bill-line" data-testid="bill-line">
                <Typography.Text type="secondary">
                  {row.fileName} : {row.lineNumber}
                </Typography.Text>
                <pre>{row.rawLine}</pre>
              </div>
            ))
          ) : (
            <Empty description={t('reconcile.noBillLine')} />
          )}
        </Col>
        <Col span={8}>
          <Typography.Title level={5}>{t('reconcile.entries')}</Typography.Title>
          {data.entries.length ? (
            data.entries.map((entry) => (
              <div key={entry.entryNo} className="entry-compact" data-testid="detail-entry">
                <Typography.Text strong>{entry.entryNo}</Typography.Text> <Tag>{td('entryType', entry.entryType)}</Tag>
                <table className="postings-compact">
                  <tbody>
                    {entry.postings.map((posting) => (
                      <tr key={posting.lineNo}>
                        <td>{posting.accountCode}</td>
                        <td>{language === 'zh' ? posting.accountNameZh : posting.accountName}</td>
                        <td className="num">{posting.debitFen ? <Amount value={posting.debitFen} /> : ''}</td>
                        <td className="num">{posting.creditFen ? <Amount value={posting.creditFen} /> : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))
          ) : (
            <Empty description={t('reconcile.noEntries')} />
          )}
        </Col>
      </Row>
      {data.result.status === 'resolved' && (
        <Typography.Paragraph style={{ marginTop: 12 }} data-testid="resolution">
          {t('reconcile.resolvedBy', {
            user: data.result.resolvedBy ?? '',
            at: data.result.resolvedAt ? formatShanghaiTime(data.result.resolvedAt) : '',
            resolution: td('resolution', data.result.resolution ?? ''),
          })}
          : {data.result.resolutionNote}
          {data.result.adjustmentEntryNo ? ` (${data.result.adjustmentEntryNo})` : ''}
        </Typography.Paragraph>
      )}
      {data.result.status === 'open' && mayReview && <ResolveForm ids={[id]} onResolved={onResolved} />}
    </Card>
  );
}

function ResolveForm({ ids, onResolved }: { ids: number[]; onResolved(): void }) {
  const { t, td } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ resolution: Resolution; note: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function resolve(values: { resolution: Resolution; note: string }) {
    setBusy(true);
    setError(null);
    try {
      const result = await call('resolveDiscrepancies', { ids, resolution: values.resolution, note: values.note });
      void message.success(t('reconcile.resolvedCount', { count: result.items.length }));
      form.resetFields();
      onResolved();
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <ErrorAlert error={error} />
      <Form form={form} layout="inline" name={`resolve-${ids.length > 1 ? 'bulk' : 'one'}`} style={{ marginTop: 12 }} initialValues={{ resolution: 'mall_corrected' }} onFinish={(values) => void resolve(values)}>
        <Form.Item name="resolution" label={t('reconcile.resolution')}>
          <Select style={{ width: 180 }} options={resolutionNames.map((value) => ({ value, label: td('resolution', value) }))} />
        </Form.Item>
        <Form.Item name="note" label={t('reconcile.note')} rules={[{ required: true, whitespace: true, message: t('firstRun.required') }]}>
          <Input style={{ width: 320 }} />
        </Form.Item>
        <Button type="primary" danger htmlType="submit" loading={busy}>
          {ids.length > 1 ? t('reconcile.resolveSelected', { count: ids.length }) : t('reconcile.resolve')}
        </Button>
      </Form>
    </>
  );
}

/**
 * The reconciliation grid: server-side paging, sorting and filters; open discrepancies in red;
 * a row opens the mall document, the raw bill line and the ledger entries side by side;
 * resolve one or many with a note. Keyboard: arrows move, Space selects, Enter opens.
 */
export function Reconciliation({ user }: { user: SessionUser }) {
  const { t, td } = useI18n();
  const [filters, setFilters] = useState<Filters>({ status: ['open'] });
  const [sort, setSort] = useState<{ column: ReconciliationSortColumn; direction: 'asc' | 'desc' }>({ column: 'business_date', direction: 'asc' });
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [activeIndex, setActiveIndex] = useState(0);
  const [detailId, setDetailId] = useState<number | null>(null);
  const [detailVersion, setDetailVersion] = useState(0);
  const query = useQuery('reconciliationPage', { page, pageSize: PAGE_SIZE, sort, filters });
  const rows = useMemo(() => query.data?.rows ?? [], [query.data]);
  const total = query.data?.total ?? 0;
  const mayReview = user.permissions.includes('discrepancy.review');
  const scrollRef = useRef<HTMLDivElement>(null);

  const reload = useCallback(() => {
    setSelected(new Set());
    query.reload();
  }, [query]);

  useEffect(() => setActiveIndex(0), [query.data]);

  const toggle = useCallback((id: number) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  const sortHeader = useCallback(
    (column: ReconciliationSortColumn, label: string) => {
      const active = sort.column === column;
      return (
        <button
          type="button"
          className="grid-sort"
          aria-label={t('reconcile.sortBy', { column: label })}
          onClick={() => {
            setPage(1);
            setSort({ column, direction: active && sort.direction === 'asc' ? 'desc' : 'asc' });
          }}
        >
          {label}
          {active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      );
    },
    [sort, t],
  );

  const columns = useMemo(
    () =>
      helper.columns([
        helper.display({
          id: 'select',
          header: () => {
            const openIds = rows.filter((row) => row.status === 'open').map((row) => row.id);
            const allSelected = openIds.length > 0 && openIds.every((id) => selected.has(id));
            return (
              <input
                type="checkbox"
                aria-label={t('reconcile.selectPage')}
                checked={allSelected}
                disabled={openIds.length === 0}
                onChange={() => setSelected(allSelected ? new Set() : new Set(openIds))}
              />
            );
          },
          cell: (info) => (
            <input
              type="checkbox"
              aria-label={t('reconcile.selectRow', { id: info.row.original.id })}
              checked={selected.has(info.row.original.id)}
              disabled={info.row.original.status !== 'open'}
              onChange={() => toggle(info.row.original.id)}
              onClick={(event) => event.stopPropagation()}
            />
          ),
        }),
        helper.accessor('businessDate', { header: () => sortHeader('business_date', t('reconcile.businessDate')) }),
        helper.accessor('channel', { header: () => t('reconcile.channel'), cell: (info) => td('channel', info.getValue()) }),
        helper.accessor('category', { header: () => t('reconcile.category'), cell: (info) => (info.getValue() ? td('category', info.getValue()!) : '') }),
        helper.display({ id: 'number', header: () => t('reconcile.number'), cell: (info) => info.row.original.refundNo ?? info.row.original.orderNo ?? info.row.original.channelTradeNo ?? '' }),
        helper.accessor('mallAmountFen', { header: () => sortHeader('mall_amount', t('reconcile.mallAmount')), cell: (info) => <AmountOrBlank value={info.getValue()} /> }),
        helper.accessor('channelAmountFen', { header: () => sortHeader('channel_amount', t('reconcile.channelAmount')), cell: (info) => <AmountOrBlank value={info.getValue()} /> }),
        helper.accessor('differenceFen', { header: () => sortHeader('difference', t('reconcile.difference')), cell: (info) => <Amount value={info.getValue()} /> }),
        helper.accessor('status', { header: () => t('reconcile.status'), cell: (info) => td('status', info.getValue()) }),
      ]),
    [rows, selected, sortHeader, t, td, toggle],
  );

  const table = useTable({ features, columns, data: rows });
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT_PX, overscan: 10 });

  function onGridKey(event: KeyboardEvent<HTMLDivElement>) {
    if (!rows.length) return;
    let next: number;
    if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, activeIndex + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, activeIndex - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rows.length - 1;
    else if (event.key === 'PageDown') next = Math.min(rows.length - 1, activeIndex + KEYBOARD_PAGE_ROWS);
    else if (event.key === 'PageUp') next = Math.max(0, activeIndex - KEYBOARD_PAGE_ROWS);
    else if (event.key === ' ') {
      event.preventDefault();
      if (rows[activeIndex].status === 'open') toggle(rows[activeIndex].id);
      return;
    } else if (event.key === 'Enter') {
      setDetailId(rows[activeIndex].id);
      return;
    } else return;
    event.preventDefault();
    setActiveIndex(next);
    virtualizer.scrollToIndex(next);
  }

  const tableRows = table.getRowModel().rows;
  const selectedIds = [...selected];
  const templateColumns = '36px 110px 90px 170px minmax(180px, 1fr) 120px 120px 120px 90px';

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.reconcile')}</Typography.Title>
      <RunCard mayRun={user.permissions.includes('reconcile.run')} onDone={() => reload()} />
      <Form
        layout="inline"
        name="reconcile-filters"
        initialValues={{ status: ['open'] }}
        onFinish={(values: { status?: ReconciliationStatus[]; category?: DiscrepancyCategory; channel?: 'wechat' | 'alipay'; search?: string; dateFrom?: string; dateTo?: string }) => {
          setPage(1);
          setDetailId(null);
          setFilters({
            status: values.status?.length ? values.status : undefined,
            category: values.category || undefined,
            channel: values.channel || undefined,
            search: values.search?.trim() || undefined,
            dateFrom: values.dateFrom || undefined,
            dateTo: values.dateTo || undefined,
          });
        }}
      >
        <Form.Item name="status" label={t('reconcile.status')}>
          <Select mode="multiple" allowClear style={{ minWidth: 160 }} options={reconciliationStatusNames.map((value) => ({ value, label: td('status', value) }))} />
        </Form.Item>
        <Form.Item name="category" label={t('reconcile.category')}>
          <Select allowClear style={{ width: 170 }} options={discrepancyCategoryNames.map((value) => ({ value, label: td('category', value) }))} />
        </Form.Item>
        <Form.Item name="channel" label={t('reconcile.channel')}>
          <Select allowClear style={{ width: 110 }} options={['wechat', 'alipay'].map((value) => ({ value, label: td('channel', value) }))} />
        </Form.Item>
        <Form.Item name="search" label={t('reconcile.search')}>
          <Input style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="dateFrom" label={t('common.from')}>
          <Input type="date" />
        </Form.Item>
        <Form.Item name="dateTo" label={t('common.to')}>
          <Input type="date" />
        </Form.Item>
        <Button htmlType="submit">{t('common.search')}</Button>
      </Form>
      <ErrorAlert error={query.error} />
      <div
        className="grid"
        role="grid"
        aria-label={t('nav.reconcile')}
        aria-rowcount={total + 1}
        aria-multiselectable
        tabIndex={0}
        onKeyDown={onGridKey}
        aria-activedescendant={rows[activeIndex] ? `reconcile-row-${rows[activeIndex].id}` : undefined}
        data-testid="reconcile-grid"
      >
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} className="grid-row grid-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: templateColumns }}>
            {group.headers.map((header) => (
              <div key={header.id} role="columnheader" className="grid-cell">
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </div>
            ))}
          </div>
        ))}
        <div ref={scrollRef} className="grid-body" style={{ height: GRID_HEIGHT_PX }}>
          {rows.length === 0 && !query.loading ? (
            <Empty description={t('reconcile.noRows')} style={{ paddingTop: 48 }} />
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = tableRows[item.index];
                const data = row.original;
                const classes = ['grid-row', data.status === 'open' ? 'discrepancy-row' : '', item.index === activeIndex ? 'grid-row-active' : '', detailId === data.id ? 'grid-row-open' : '']
                  .filter(Boolean)
                  .join(' ');
                return (
                  <div
                    key={row.id}
                    id={`reconcile-row-${data.id}`}
                    role="row"
                    aria-rowindex={(page - 1) * PAGE_SIZE + item.index + 2}
                    aria-selected={selected.has(data.id)}
                    className={classes}
                    data-testid="reconcile-row"
                    data-status={data.status}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT_PX, transform: `translateY(${item.start}px)`, gridTemplateColumns: templateColumns }}
                    onClick={() => {
                      setActiveIndex(item.index);
                      setDetailId(data.id);
                    }}
                  >
                    {row.getAllCells().map((cell) => (
                      <div key={cell.id} role="gridcell" className="grid-cell">
                        <table.FlexRender cell={cell} />
                      </div>
                    ))}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Text data-testid="reconcile-total">{t('reconcile.total', { total })}</Typography.Text>
        <Pagination current={page} pageSize={PAGE_SIZE} total={total} showSizeChanger={false} onChange={(next) => setPage(next)} />
      </Space>
      {mayReview && selectedIds.length > 0 && (
        <Card size="small" title={t('reconcile.bulkTitle', { count: selectedIds.length })}>
          <ResolveForm ids={selectedIds} onResolved={reload} />
        </Card>
      )}
      {detailId !== null && (
        <DetailPanel
          key={`${detailId}-${detailVersion}`}
          id={detailId}
          mayReview={mayReview}
          onResolved={() => {
            reload();
            setDetailVersion((value) => value + 1);
          }}
        />
      )}
    </Space>
  );
}
