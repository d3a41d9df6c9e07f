package org.qmp4j.cli.tools;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Option;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Main;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;

/** {@code qmp4j completion bash}: prints a bash completion script for every tool's options. */
public final class CompletionTool extends Tool {

    @Override
    public String name() {
        return "completion";
    }

    @Override
    public String synopsis() {
        return "bash";
    }

    @Override
    public String description() {
        return "Print a bash completion script for the qmp4j tools: source <(bin/qmp4j completion bash)";
    }

    @Override
    public boolean usesQmpSocket() {
        return false;
    }

    @Override
    public int run(Invocation in) {
        if (in.args().size() != 1 || !in.args().get(0).equals("bash")) {
            throw new UsageException("only 'bash' is supported");
        }
        StringBuilder sb = new StringBuilder("# bash completion for qmp4j tools\n");
        List<String> names = new ArrayList<>();
        for (String tool : Main.toolNames()) {
            if (tool.equals(name())) {
                continue;
            }
            names.add(tool);
            List<String> words = new ArrayList<>();
            for (Option o : Main.options(Main.tool(tool)).getOptions()) {
                if (o.getLongOpt() != null) {
                    words.add("--" + o.getLongOpt());
                }
                if (o.getOpt() != null) {
                    words.add("-" + o.getOpt());
                }
            }
            String fn = "_qmp4j_" + tool.replace('-', '_');
            sb.append(fn).append("() {\n")
              .append("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
              .append("  case $prev in -s|--socket|--path) COMPREPLY=($(compgen -f -- \"$cur\")); return;; esac\n")
              .append("  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '").append(String.join(" ", words))
              .append("' -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n}\n")
              .append("complete -F ").append(fn).append(' ').append(tool).append('\n');
        }
        sb.append("_qmp4j() {\n  if ((COMP_CWORD == 1)); then COMPREPLY=($(compgen -W '")
          .append(String.join(" ", names)).append(" completion' -- \"${COMP_WORDS[1]}\")); return; fi\n")
          .append("  local fn=_qmp4j_${COMP_WORDS[1]//-/_}\n")
          .append("  if declare -F \"$fn\" >/dev/null; then COMP_WORDS=(\"${COMP_WORDS[@]:1}\"); ((COMP_CWORD--)); \"$fn\"; fi\n}\n")
          .append("complete -F _qmp4j qmp4j\n");
        in.out().print(sb);
        return ExitCode.OK;
    }
}
