import { Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useState, type DragEvent } from 'react';
import type { ApiError, ImportFileResult, SessionUser } from '../../../electron/api';
import { call, errorOf } from '../api-client';
import { ErrorAlert } from '../components/ErrorAlert';
import { TaskProgress, useTaskProgress } from '../components/TaskProgress';
import { useI18n } from '../i18n';

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Channel and bank files in: dropped (the preload turns each File into its path), picked with the
 * native dialog, or typed as a path list. The format is detected from the content.
 */
export function Import({ user, fileDialogAvailable }: { user: SessionUser; fileDialogAvailable: boolean }) {
  const { t, td } = useI18n();
  const progress = useTaskProgress();
  const [pathText, setPathText] = useState('');
  const [dragging, setDragging] = useState(false);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<ImportFileResult[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const mayImport = user.permissions.includes('import.run');
  const paths = pathText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

  function addPaths(added: string[]) {
    const all = [...new Set([...paths, ...added])];
    setPathText(all.join('\n'));
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = Array.from(event.dataTransfer.files)
      .map((file) => window.ledgerdesk.pathForFile(file))
      .filter((path): path is string => Boolean(path));
    if (dropped.length) addPaths(dropped);
    else setError({ code: 'usage', message: t('import.dropNoPath') });
  }

  async function choose() {
    try {
      const chosen = await call('chooseFiles', { purpose: 'import' });
      if (chosen.paths) addPaths(chosen.paths);
    } catch (failure) {
      setError(errorOf(failure));
    }
  }

  async function run() {
    setRunning(true);
    setError(null);
    try {
      const result = await call('importFiles', { paths });
      // Refused files first: they are what needs attention.
      setResults([...result.files].sort((a, b) => Number(b.error !== null) - Number(a.error !== null)));
      setPathText('');
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setRunning(false);
    }
  }

  const rejected = results?.filter((result) => result.error).length ?? 0;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('nav.import')}</Typography.Title>
      <Card size="small">
        <div
          className={dragging ? 'drop-zone drop-zone-active' : 'drop-zone'}
          data-testid="drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <Typography.Text strong>{t('import.drop')}</Typography.Text>
          <Typography.Text type="secondary">{t('import.dropDetail')}</Typography.Text>
          {fileDialogAvailable && <Button onClick={() => void choose()}>{t('import.choose')}</Button>}
        </div>
        <label style={{ display: 'block', marginTop: 12 }}>
          {t('import.paths')}
          <Input.TextArea rows={4} value={pathText} onChange={(event) => setPathText(event.target.value)} placeholder={t('import.pathsPlaceholder')} spellCheck={false} />
        </label>
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" onClick={() => void run()} loading={running} disabled={!mayImport || paths.length === 0}>
            {t('import.run', { count: paths.length })}
          </Button>
          {!mayImport && <Typography.Text type="secondary">{t('import.noPermission')}</Typography.Text>}
        </Space>
        <TaskProgress progress={progress} running={running} />
        <ErrorAlert error={error} />
      </Card>
      {results && (
        <Card size="small" title={t('import.results', { files: results.length, rejected })}>
          <Table<ImportFileResult>
            size="small"
            rowKey="file"
            pagination={false}
            scroll={{ y: 420 }}
            dataSource={results}
            data-testid="import-results"
            rowClassName={(row) => (row.error ? 'discrepancy-row' : '')}
            columns={[
              { title: t('import.file'), dataIndex: 'file', render: (value: string) => <span title={value}>{baseName(value)}</span> },
              { title: t('import.kind'), dataIndex: 'kind', render: (value: string | null) => (value ? td('fileKind', value) : '') },
              { title: t('import.rows'), dataIndex: 'rows', align: 'right' },
              { title: t('import.overlapping'), dataIndex: 'overlappingRows', align: 'right' },
              {
                title: t('reconcile.status'),
                key: 'state',
                render: (_value, row) =>
                  row.error ? (
                    <span className="import-error" data-testid="import-error">
                      {row.error.line === null ? t('import.errorFile', { reason: row.error.reason }) : t('import.errorLine', { line: row.error.line, reason: row.error.reason })}
                    </span>
                  ) : row.skippedDuplicate ? (
                    <Tag>{t('import.duplicate')}</Tag>
                  ) : (
                    <Tag color="green">{t('import.imported')}</Tag>
                  ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
