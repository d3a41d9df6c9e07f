/**
 * The bottom layer: addresses and connected byte streams (unix-domain and TCP sockets), with
 * deadlines on connect and accept. Knows nothing about JSON.
 */
package org.qmp4j.internal.transport;
