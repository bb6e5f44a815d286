import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler } from "./types";

export const evidenceHandlers = {
  "device.enrolled": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_devices (device_id, name, public_key, app_version, enrolled_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, app_version = excluded.app_version`,
      d.deviceId,
      d.name,
      d.publicKeyPem,
      d.appVersion,
      ctx.recordedAt,
    );
  }) as ProjectionHandler<RecordDataOf<"device.enrolled">>,
  "device.renamed": ((sql, ctx, d) => {
    sql.run("UPDATE p_devices SET name = ?, renamed_at = ? WHERE device_id = ?", d.name, ctx.recordedAt, ctx.deviceId);
  }) as ProjectionHandler<RecordDataOf<"device.renamed">>,
  "technician.set": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_technicians (device_id, name, public_key, set_at, seq) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, public_key = excluded.public_key, set_at = excluded.set_at, seq = excluded.seq`,
      ctx.deviceId,
      d.name,
      d.publicKeyPem,
      ctx.recordedAt,
      ctx.seq,
    );
  }) as ProjectionHandler<RecordDataOf<"technician.set">>,
  "it.trusted": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_it_trust (device_id, key_name, public_key, fingerprint, age_recipient, trusted_at, seq, collector_sha256, collector_certificate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(device_id, key_name) DO UPDATE SET public_key = excluded.public_key, fingerprint = excluded.fingerprint,
         age_recipient = excluded.age_recipient, trusted_at = excluded.trusted_at, seq = excluded.seq,
         collector_sha256 = excluded.collector_sha256, collector_certificate = excluded.collector_certificate`,
      ctx.deviceId,
      d.keyName,
      d.publicKey,
      d.fingerprint,
      d.ageRecipient,
      ctx.recordedAt,
      ctx.seq,
      d.collector?.sha256 ?? null,
      d.collector?.certificate ?? null,
    );
  }) as ProjectionHandler<RecordDataOf<"it.trusted">>,
  "receipt.imported": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_receipts (device_id, tree_size, root_hash, it_key_name, cosigned_at, imported_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(device_id, tree_size) DO NOTHING`,
      ctx.deviceId,
      d.treeSize,
      d.rootHash,
      d.itKeyName,
      d.cosignedAt,
      ctx.recordedAt,
      ctx.seq,
    );
  }) as ProjectionHandler<RecordDataOf<"receipt.imported">>,
};
