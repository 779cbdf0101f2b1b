import { formatFen } from '../format';

const WIDTH = 560;
const HEIGHT = 220;
const AXIS_LABEL_HEIGHT = 20;
const VALUE_LABEL_HEIGHT = 16;
const PLOT_HEIGHT = HEIGHT - AXIS_LABEL_HEIGHT - 2 * VALUE_LABEL_HEIGHT;

/** Bar height in whole pixels by integer arithmetic (BigInt): no float touches the amount. */
function barPixels(amountFen: number, largestFen: number, plotPixels: number): number {
  if (largestFen === 0) return 0;
  return Number((BigInt(Math.abs(amountFen)) * BigInt(plotPixels)) / BigInt(largestFen));
}

/** Six months of net profit as bars: positive up, negative (red) down from the zero line. */
export function NetProfitChart({ series, label }: { series: { month: string; netProfitFen: number }[]; label: string }) {
  const largestPositive = Math.max(0, ...series.map((point) => point.netProfitFen));
  const largestNegative = Math.max(0, ...series.map((point) => -point.netProfitFen));
  const range = largestPositive + largestNegative;
  const upPixels = range === 0 ? PLOT_HEIGHT : barPixels(largestPositive, range, PLOT_HEIGHT);
  const zeroY = VALUE_LABEL_HEIGHT + upPixels;
  const slot = Math.floor(WIDTH / Math.max(1, series.length));
  const barWidth = Math.floor(slot * 0.5);
  return (
    <svg className="profit-chart" width={WIDTH} height={HEIGHT} role="img" aria-label={label} data-testid="net-profit-chart">
      <line x1={0} x2={WIDTH} y1={zeroY} y2={zeroY} stroke="#bfbfbf" />
      {series.map((point, index) => {
        const pixels = barPixels(point.netProfitFen, range, PLOT_HEIGHT);
        const negative = point.netProfitFen < 0;
        const x = index * slot + Math.floor((slot - barWidth) / 2);
        const y = negative ? zeroY : zeroY - pixels;
        return (
          <g key={point.month} data-month={point.month}>
            <rect x={x} y={y} width={barWidth} height={Math.max(pixels, point.netProfitFen === 0 ? 0 : 1)} fill={negative ? '#cf1322' : '#1f5fbf'}>
              <title>{`${point.month}: ${formatFen(point.netProfitFen)}`}</title>
            </rect>
            <text x={x + barWidth / 2} y={negative ? y + pixels + 12 : y - 4} textAnchor="middle">
              {formatFen(point.netProfitFen)}
            </text>
            <text x={x + barWidth / 2} y={HEIGHT - 4} textAnchor="middle">
              {point.month}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
