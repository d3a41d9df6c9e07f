/** {@link org.qmp4j.schema.QmpSchema}: commands, arguments, types and events from {@code query-qmp-schema}. */
package org.qmp4j.schema;
