package io.zt4j.controller.model;

/** A tag value set on a member: {@code [id, value]} in JSON. */
public record MemberTag(long id, long value) {}
