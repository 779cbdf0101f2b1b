import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from './json-file';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: WindowBounds;
  maximized: boolean;
}

const windowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int().optional(),
    y: z.number().int().optional(),
    width: z.number().int().min(640).max(20000),
    height: z.number().int().min(480).max(20000),
  }),
  maximized: z.boolean(),
});

export const DEFAULT_WINDOW_STATE: WindowState = { bounds: { width: 1280, height: 820 }, maximized: false };

export function windowStateFile(userDataDirectory: string): string {
  return join(userDataDirectory, 'window-state.json');
}

export function loadWindowState(file: string): WindowState {
  return readJsonFile(file, windowStateSchema, DEFAULT_WINDOW_STATE);
}

export function saveWindowState(file: string, state: WindowState): void {
  writeJsonFile(file, state);
}

interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Drops a remembered position that is no longer on any display (monitor unplugged). */
export function visibleBounds(bounds: WindowBounds, workAreas: Rectangle[]): WindowBounds {
  if (bounds.x === undefined || bounds.y === undefined) return { width: bounds.width, height: bounds.height };
  const { x, y } = bounds;
  const onScreen = workAreas.some((area) => x + 100 > area.x && y + 50 > area.y && x < area.x + area.width - 100 && y < area.y + area.height - 50);
  return onScreen ? bounds : { width: bounds.width, height: bounds.height };
}
