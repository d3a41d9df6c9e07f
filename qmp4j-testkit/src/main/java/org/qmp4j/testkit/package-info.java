/**
 * Test support for users of qmp4j: {@link org.qmp4j.testkit.FakeQmpServer}, a scriptable in-process
 * QMP server whose replies and faults are {@link org.qmp4j.testkit.Response} values.
 */
package org.qmp4j.testkit;
