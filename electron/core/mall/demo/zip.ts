import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipMember {
  /** The member name as raw bytes: Alipay writes GBK names without the UTF-8 flag (bit 11). */
  nameBytes: Buffer;
  data: Buffer;
}

function dosDateTime(epochMsLocal: number): { time: number; date: number } {
  const local = new Date(epochMsLocal);
  const time = (local.getUTCHours() << 11) | (local.getUTCMinutes() << 5) | Math.floor(local.getUTCSeconds() / 2);
  const date = ((local.getUTCFullYear() - 1980) << 9) | ((local.getUTCMonth() + 1) << 5) | local.getUTCDate();
  return { time, date };
}

/**
 * A minimal zip writer (deflate, no UTF-8 flag), because the real Alipay download stores its GBK
 * member names that way and general zip libraries set the flag or re-encode names.
 * `modifiedAtLocalMs` is the wall-clock time to stamp, expressed as if it were UTC.
 */
export function writeZip(members: readonly ZipMember[], modifiedAtLocalMs: number): Buffer {
  const { time, date } = dosDateTime(modifiedAtLocalMs);
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const compressed = deflateRawSync(member.data);
    const checksum = crc32(member.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags: no UTF-8 bit
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(member.data.length, 22);
    local.writeUInt16LE(member.nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    localParts.push(local, member.nameBytes, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(member.data.length, 24);
    central.writeUInt16LE(member.nameBytes.length, 28);
    // extra length, comment length, disk number, internal and external attributes stay 0
    central.writeUInt32LE(offset, 42);
    centralParts.push(central, member.nameBytes);
    offset += local.length + member.nameBytes.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, centralDirectory, end]);
}
