package org.qmp4j.codegen.java;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calls on generated classes and the core's, which these tests only know at run time. */
final class Reflect {
    private Reflect() {
    }

    /** Calls the public method of that name whose parameters take the arguments, unwrapping its exception. */
    static Object call(Object target, String method, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) && fits(m.getParameterTypes(), args)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        }
        throw new AssertionError("no method " + method + " on " + target.getClass());
    }

    private static boolean fits(Class<?>[] types, Object[] args) {
        if (types.length != args.length) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (args[i] != null && !box(types[i]).isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return c == boolean.class ? Boolean.class : c == long.class ? Long.class : c == int.class ? Integer.class
                : c == double.class ? Double.class : Object.class;
    }
}
