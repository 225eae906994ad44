// One transaction on a connection of its own: BEGIN, `fn`, COMMIT, or ROLLBACK if anything failed.
// A checked-out client has no listener of the pool's, so a connection the server ends mid-way (an
// idle-in-transaction timeout, a restart) would otherwise crash the process instead of failing this
// transaction; such a connection is dropped rather than returned to the pool.
import type pg from 'pg';

export async function pgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
