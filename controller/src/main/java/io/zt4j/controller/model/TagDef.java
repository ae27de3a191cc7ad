package io.zt4j.controller.model;

/** A network's tag definition: its id and the value members get by default ({@code null}: none). */
public record TagDef(long id, Long defaultValue) {}
