//! Transcripts: recorded workbench sessions under `tests/transcripts/`,
//! replayed in fresh sessions and compared byte for byte (one test per file).
//! `WATLAB_BLESS=1 cargo test --test transcripts` rewrites them with the
//! current output; review the diff before committing.

use std::path::PathBuf;
use watlab::transcript::{Check, check};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts")
}

fn replay(name: &str) {
    let path = dir().join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).expect("transcript exists");
    match check(name, &text) {
        (Check::Pass, _) => {}
        (Check::Mismatch(_), actual) if std::env::var_os("WATLAB_BLESS").is_some() => {
            std::fs::write(&path, actual).expect("write transcript");
        }
        (Check::Mismatch(diff), _) => panic!("{name} differs from its recording:\n{diff}"),
    }
}

macro_rules! transcripts {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        #[test]
        fn every_transcript_file_has_a_test() {
            let listed = [$(stringify!($name)),*];
            let mut files: Vec<String> = std::fs::read_dir(dir())
                .expect("transcript directory")
                .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".txt").map(String::from))
                .collect();
            files.sort();
            let mut listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            listed.sort();
            assert_eq!(files, listed, "add new transcripts to the list in tests/transcripts.rs");
        }
    };
}

transcripts! {
    lesson_section_starts_clean,
    stepper_vector_shape_on_every_path,
    mem_zero_run_across_pages,
    history_of_a_callers_local_hints_up,
    instances_while_a_start_function_is_paused,
    globals_show_vectors_in_the_shape_that_made_them,
    lesson_check_sandbox,
    lesson_check_locations,
    forget_field,
    forget_unnamed_field,
    const_without_value,
    assertion_reports_changed,
    forget_still_called,
    load_invalid_wasm,
    load_twice,
    redefine_conflicts,
    redefine_exported_func,
    redefine_memory_keeps_contents,
    redefine_memory_smaller,
    redefine_start,
    start_function_marks_changes,
    assertions,
    body_name_errors,
    block_end_caret,
    unknown_names,
    operand_counts,
    open_block_in_func,
    colonless_commands,
    body_type_errors,
    lone_semicolon,
    stray_paren,
    atomics,
    break_once_per_call,
    breakpoint_in_normal_run,
    breakpoints_survive_redefinition,
    budget_measures_work,
    bytes_command,
    call_indirect_table,
    data_segment_string,
    dis_command,
    doc_command,
    export_js,
    exceptions_host_tag,
    exceptions_step_caught_two_frames_up,
    exceptions_uncaught_at_prompt,
    float_display,
    float_formats_agree,
    folded_instructions,
    folded_extra_operands,
    func_and_call,
    get_global,
    script_rejections,
    globals_view,
    help,
    host_console_strings,
    host_gc_globals,
    host_global_set_and_bigint,
    host_course_pattern,
    host_limits_errors,
    host_link_errors,
    host_missing_module,
    host_math_and_console,
    host_memory_grow_shared,
    host_object_literal,
    host_random_seed,
    host_shared_memory_import,
    host_shared_memory_two_modules,
    host_table_methods,
    host_write_and_table,
    host_write_types,
    integer_display,
    invalid_field,
    lesson_guided,
    link_error,
    local_errors,
    loop_in_fragment,
    simd_shapes,
    simd_step_loop,
    mem_typed_views,
    memory_command,
    multi_memory,
    memory64_and_wide,
    table64_at_the_prompt,
    typed_func_refs,
    gc_heap,
    gc_redefined_type_keeps_name,
    gc_link_errors,
    gc_typed_nulls_and_locals,
    typed_null_names,
    gc_step_cast,
    ref_func_at_prompt,
    ref_eq_function_refs,
    memory_grow_fragment,
    memory_store_marked,
    memory_survives_rebuild,
    module_errors,
    multi_value,
    multiline_input,
    named_module,
    quit_command,
    readme_example,
    regions_trample,
    register_and_import,
    replace_func,
    replace_memory_page_size,
    reset_and_clear,
    runaway_loop,
    save_and_load,
    scratch_locals,
    scratch_stack_limit,
    script_errors,
    select_and_blocks,
    spectest_import,
    stack_arithmetic,
    step_back_restores_memory,
    step_basics,
    step_branch_preview,
    step_breakpoint_recursion,
    step_chunked_unwind,
    step_course_loop,
    step_global_of_another_module,
    step_info_globals_in_your_input,
    step_display,
    step_errors,
    step_frames,
    step_loaded_file,
    rejected_input_keeps_marks,
    mem_whole_range,
    memory_listing,
    custom_page_size_views,
    step_throw_in_a_run,
    step_trap_pauses,
    step_vocabulary,
    step_watch_wide,
    step_named_module,
    offset_breakpoint_keeps_to_its_module,
    watch_memory_of_a_named_module,
    step_start_function,
    step_set_redirects_branch,
    typed_module_source,
    unknown_name_lists_unnamed_export,
    step_host_breakpoint,
    step_next_over_call,
    step_tail_call,
    step_motion,
    step_log_hits,
    step_funcref_names,
    table_carry_over,
    step_reverse_continue,
    step_reverse_last_write,
    step_watch_trample,
    step_watch_values,
    threads_lost_update,
    threads_replay_after_redefinition,
    threads_step_by_hand,
    threads_typed_null,
    threads_wait_notify,
    threads_explore,
    threads_explore_atomic,
    trace_loop,
    trace_mode,
    syntax_error_caret,
    try_table_catch_errors,
    trap_divide_by_zero,
    trap_lines,
    trap_out_of_bounds,
    trap_keeps_memory_and_globals,
    trap_keeps_write_undo_takes_it_back,
    invoke_trap_keeps_writes,
    start_trap_keeps_host_writes,
    session_start_runs_once,
    kept_names_host_memory,
    table_redefinition_keeps_contents,
    load_summary_and_start_type,
    forget_what_is_in_use,
    host_import_typed_ref,
    step_display_expr,
    step_deep_recursion,
    validator_plain_words,
    call_indirect_traps,
    register_then_redefine,
    flat_call_before_folded_args,
    segment_fails_half_way,
    trap_reports_what_it_kept,
    undo_two_inputs,
    undo_definitions,
    undo_stepped_input,
    unclosed_block,
    unknown_command,
    validation_plain_words,
    wat_command,
    redefine_memory_smaller_keeps_no_zeros,
}
