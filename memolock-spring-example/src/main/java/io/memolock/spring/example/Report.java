package io.memolock.spring.example;

import java.time.Instant;

/**
 * A report, cached as JSON in Redis ({@code reports:<id>}). Immutable.
 *
 * @param id the report id
 * @param body what the slow computation produced
 * @param computedAt when it was computed
 * @param computedBy which process computed it
 */
public record Report(String id, String body, Instant computedAt, long computedBy) {}
