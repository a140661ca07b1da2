/**
 * The protocol engine behind {@code MemoLock}: read this first. Not exported (only to the local
 * tier, for its hooks); nothing here is API.
 *
 * <h2>The protocol, step by step</h2>
 *
 * For tag {@code T} and id {@code I} under the classic key scheme (see {@link
 * io.memolock.internal.ClassicProtocol} and {@link io.memolock.internal.Scripts} for the exact
 * scripts):
 *
 * <ol>
 *   <li><b>Read.</b> {@code GET T:I} (or the storage's read). A hit costs this one round trip,
 *       shared by every caller of the id in this process who arrives meanwhile (one {@link
 *       io.memolock.internal.Flight} per id), and batched with other ids' reads into one {@code
 *       MGET} when they arrive while other batches are in flight ({@link
 *       io.memolock.internal.Batcher}).
 *   <li>Every later step's command (a script below) is pipelined with other ids' concurrent ones
 *       on one connection in the same way ({@link io.memolock.internal.CommandPipeline}, through
 *       the client's {@link io.memolock.internal.PipelinedJedis}; both batchers share the queue
 *       and drivers of {@link io.memolock.internal.BatchDriver}).
 *   <li><b>Acquire.</b> On a miss, one script: the value exists? a failure or absence is
 *       remembered? else {@code SET T/lock:I <token> NX PX <lockTimeout>}, else the lock's {@code
 *       PTTL}. The four answers are the sealed {@link io.memolock.internal.Protocol.Acquisition}.
 *   <li><b>Compute</b> ({@link io.memolock.internal.Holder}). The winner runs the computation under
 *       a {@link io.memolock.internal.LeaseImpl}, renewed every third of the lock timeout by the
 *       {@link io.memolock.internal.Renewer}; then one script stores the value with its TTL,
 *       publishes it on {@code T/notif:I} and deletes its lock, only if the lock is still its own,
 *       or free while nothing was written since. A failure releases the lock and is published on
 *       {@code T/fail:I} instead; a store that fails fails the callers with the cause.
 *   <li><b>Wait.</b> A loser listens on {@code T/notif:I} and {@code T/fail:I} through the client's
 *       one shared {@link io.memolock.internal.Subscriber}, re-checks once the subscription is
 *       acknowledged (closing the race with a publish before it listened: a script that takes
 *       nothing, sent from the acknowledgement's callback through the pipeline, so that no thread
 *       waits for either; see {@link io.memolock.internal.FlightRecord#listenThenCheck}), then
 *       waits for a message, at most the lock's remaining TTL: then it acquires again and takes
 *       over if the holder vanished without a value. With thousands of waiting ids, the
 *       subscriber hears a tag's channels through one pattern per prefix instead ({@link
 *       io.memolock.internal.ChannelPatterns}); a waiter then listens before it acquires, and the
 *       acquire is its check.
 * </ol>
 *
 * <h2>On a Redis Cluster</h2>
 *
 * The same steps, under {@link io.memolock.spi.KeyScheme#cluster()} (a resource's names share one
 * hash tag, so each script runs on the slot's primary), through {@link
 * io.memolock.internal.ShardedProtocol}: the scripts announce with {@code SPUBLISH}, and waiters
 * listen through the {@link io.memolock.internal.ShardedSubscriber} (one {@code SSUBSCRIBE}
 * connection per primary; registrations follow their slot to a new owner and resync). Reads and
 * lock scripts are pipelined per primary (an {@code MGET} across slots is refused there), under
 * permits per primary. {@link
 * io.memolock.internal.Engine} picks the protocol by the client's type; {@link
 * io.memolock.internal.Outages} says which cluster failures are ridden out like an outage; the
 * holder's owner-checked scripts go to the slot's primary through {@link
 * io.memolock.internal.SlotOwnerRoute} (fast failure on a dead node, {@code MOVED}/{@code ASK}
 * followed), never through the pipelines (whose fallback is the cluster client's retry backoff),
 * so a holder alive through a failover stores before its lease runs out.
 *
 * <h2>The states of a request</h2>
 *
 * A {@link io.memolock.internal.Flight} moves through {@code READING → ACQUIRING → (COMPUTING →
 * STORING | SUBSCRIBING → WAITING | TRIGGERED)}; its class comment draws the transitions, and
 * they are all in that one file. The leader (the id's first caller) reads on its own thread; on a
 * miss the flight's own virtual thread makes every further move. A flight waiting for another
 * holder holds no thread: it parks ({@link io.memolock.internal.FlightRecord#park}, with a timer in
 * {@link io.memolock.internal.Wakeups}) and its next event starts a thread again. Callers only wait on the flight's
 * result ({@link io.memolock.internal.FlightResult}: served, failed, or restart) with their own
 * timeouts; the subscriber and {@code close()} only send it {@link
 * io.memolock.internal.FlightEvent}s (and the subscriber completes a waiting flight at once when a
 * notification carries the value).
 *
 * <h2>Where each guarantee of the README lives</h2>
 *
 * <ul>
 *   <li>One computation per key while a holder lives: the {@code SET NX} in the acquire script;
 *       one flight per id in this process ({@link io.memolock.internal.Engine}'s registry).
 *   <li>Failures reach every waiter at once, a failed store included: {@link
 *       io.memolock.internal.Holder}.
 *   <li>Crashed holders replaced: {@link io.memolock.internal.Flight#run} waits no longer than the
 *       lock's PTTL, then acquires again.
 *   <li>Leases owner-checked, in milliseconds; late holders never overwrite: the renew, release and
 *       store scripts ({@link io.memolock.internal.Scripts#OWNER_CHECK}).
 *   <li>Redis hiccups: the subscriber reconnects and resyncs every listener; a listening flight
 *       rides out an outage of up to one lock timeout; {@link io.memolock.internal.Commands}
 *       retries a stale pooled connection once.
 *   <li>A caller's timeout holds on every path: callers wait on futures; the leader's read runs
 *       under {@link io.memolock.internal.CallerDeadlines}.
 *   <li>Live under a stampede with a default pool: {@link io.memolock.internal.Commands}' permits
 *       (one set per client, one per primary on a cluster: {@link
 *       io.memolock.internal.SharedClient}); a batch or a pipeline takes one.
 *   <li>Hostile bytes break nothing: {@link io.memolock.internal.Commands#decoding}, the flight's
 *       re-read of an undecodable notification, the subscriber's guard around every listener.
 *   <li>Bulk gets ({@code getAll}): hits in one {@code readAll}, each miss a request of its own,
 *       all at once, failures per id, nothing left running: {@link io.memolock.internal.BulkGet}
 *       over {@link io.memolock.internal.BulkCalls}.
 *   <li>Nothing swallowed silently: {@link io.memolock.internal.Incidents}.
 * </ul>
 *
 * <p>Every class here says whether it is thread-safe. None blocks inside a monitor or a map's
 * {@code compute} (virtual threads never pin); locks are {@code ReentrantLock}s.
 */
@NullMarked
package io.memolock.internal;

import org.jspecify.annotations.NullMarked;
