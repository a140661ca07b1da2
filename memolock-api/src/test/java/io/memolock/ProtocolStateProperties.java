package io.memolock;

import io.memolock.testkit.WithRedis;

/**
 * {@link ProtocolStateContract} on the standalone test Redis (emptied before every try). The
 * cluster tests run the same property on a real Redis Cluster.
 */
@WithRedis
class ProtocolStateProperties extends ProtocolStateContract {}
