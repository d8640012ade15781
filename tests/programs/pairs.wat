;; Loops in the shapes run mode fuses into superinstructions (every pair in
;; `superinstructions!` of src/vm/exec/threaded.rs occurs here; a unit test checks that).
;; `main` returns a checksum of all of them.
(module
  (memory 1)
  (func $down (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 1))
      (then (local.get $n))
      (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $bytes (param $n i32) (result i32)
    (local $i i32) (local $h i32) (local $c i32)
    ;; store8 + counter (<= and <), store + counter
    (loop $a
      (i32.store8 (local.get $i) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $a (i32.le_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $b
      (i32.store8 offset=512 (local.get $i) (i32.const 3))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $b (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $c
      (i32.store offset=1024 (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $c (i32.lt_u (local.get $i) (local.get $n))))
    ;; FNV-style hash: load8 + xor, xor + mul, mul + counter
    (local.set $h (i32.const 2166136261))
    (local.set $i (i32.const 0))
    (loop $d
      (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i)))
                             (i32.const 16777619)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $d (i32.lt_u (local.get $i) (local.get $n))))
    ;; load8 + load8, load8 + add, add + counter (<=)
    (local.set $i (i32.const 0))
    (loop $e
      (local.set $c (i32.add (local.get $c)
        (i32.add (i32.load8_u (local.get $i)) (i32.load8_u offset=512 (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $e (i32.le_u (local.get $i) (local.get $n))))
    ;; shl + load, add + load, add + add, add + sub, sub + compare-branch, add + br (loop)
    (local.set $i (i32.const 0))
    (loop $f
      (local.set $c (i32.sub (i32.add (i32.add (local.get $c)
          (i32.load offset=1024 (i32.shl (local.get $i) (i32.const 2))))
          (i32.load (i32.add (local.get $i) (i32.const 1024)))) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $f (i32.ge_u (i32.sub (local.get $n) (local.get $i)) (i32.const 1))))
    (local.set $i (i32.const 0))
    (block $out
      (loop $g
        (local.set $c (i32.add (local.get $c) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $out (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $h (i32.add (local.get $h) (i32.const 3)))
        (br $g)))
    (i32.add (i32.add (local.get $h) (local.get $c)) (call $down (i32.const 50))))
  (func $words (param $n i32) (result i32)
    (local $i i32) (local $d i32) (local $s i32)
    ;; i64 load + store, store + add, i64/f64 store + counter
    (local.set $d (i32.const 8192))
    (loop $a
      (i64.store (local.get $d) (i64.load (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 8)))
      (local.set $s (i32.add (local.get $s) (i32.const 8)))
      (br_if $a (i32.lt_u (local.get $s) (i32.shl (local.get $n) (i32.const 3)))))
    (loop $b
      (i64.store offset=16384 (i32.shl (local.get $i) (i32.const 3)) (i64.extend_i32_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $b (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $c
      (f64.store offset=24576 (i32.shl (local.get $i) (i32.const 3)) (f64.convert_i32_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $c (i32.lt_u (local.get $i) (local.get $n))))
    (i32.wrap_i64 (i64.load offset=16384 (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 3)))))
  (func $dot (param $n i32) (result f64)
    (local $k i32) (local $acc f64)
    ;; mul + add, add + shl, shl + add, add + f64 load, shl + f64 load,
    ;; f64 load + mul, mul + add, add + counter
    (loop $k
      (local.set $acc (f64.add (local.get $acc)
        (f64.mul
          (f64.load offset=24576 (i32.shl (i32.add (i32.mul (local.get $k) (i32.const 1)) (i32.const 0)) (i32.const 3)))
          (f64.load (i32.add (i32.const 24576) (i32.shl (local.get $k) (i32.const 3)))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $k (i32.lt_u (local.get $k) (local.get $n))))
    (local.get $acc))
  (func $matrix (param $n i32) (result f64)
    (local $i i32) (local $k i32) (local $acc f64)
    ;; row-major elements: mul + add + shl (+ add) + f64 load, f64 mul + add + counter
    (loop $k
      (local.set $acc (f64.add (local.get $acc)
        (f64.mul
          (f64.load offset=24576 (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
          (f64.load (i32.add (i32.const 24576)
            (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $i)) (i32.const 3)))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $k (i32.lt_u (local.get $k) (local.get $n))))
    ;; the pairs alone: mul + add, f64 mul + add
    (local.set $i (i32.add (i32.mul (local.get $n) (local.get $n)) (local.get $k)))
    (f64.add (local.get $acc) (f64.mul (local.get $acc) (f64.convert_i32_u (local.get $i)))))
  (func $collatz (param $limit i64) (result i64)
    (local $i i64) (local $x i64) (local $steps i64)
    ;; i64 add + compare-branch, mul + add
    (local.set $i (i64.const 1))
    (block $done
      (loop $outer
        (br_if $done (i64.gt_u (local.get $i) (local.get $limit)))
        (local.set $x (local.get $i))
        (block $one
          (loop $inner
            (br_if $one (i64.eq (local.get $x) (i64.const 1)))
            (if (i64.eqz (i64.and (local.get $x) (i64.const 1)))
              (then (local.set $x (i64.shr_u (local.get $x) (i64.const 1))))
              (else (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))))
            (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
            (br $inner)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $outer)))
    (local.get $steps))
  (func $vm (param $n i32) (result i32)
    (local $pc i32) (local $acc i32) (local $i i32) (local $arg i32)
    ;; load8 + br_table, load8 + load8 + br_table
    (i32.store8 offset=40000 (i32.const 0) (i32.const 0))
    (i32.store8 offset=40000 (i32.const 1) (i32.const 1))
    (i32.store8 offset=40000 (i32.const 2) (i32.const 2))
    (loop $run
      (block $stop
        (block $twice
          (block $inc
            (local.set $arg (i32.load8_u offset=40001 (local.get $pc)))
            (br_table $inc $twice $stop (i32.load8_u offset=40000 (local.get $pc))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $run))
        (local.set $acc (i32.shl (local.get $acc) (i32.const 1)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $run))
      (local.set $pc (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $run (i32.lt_u (local.get $i) (local.get $n))))
    ;; a stack machine's cells: shl + load + add, shl + load + sub + store,
    ;; shl + load + branch if zero, load8 + mul + store, shr_u + xor, shl + load
    (local.set $i (i32.const 0))
    (loop $cells
      (local.set $acc (i32.add (local.get $acc)
        (i32.load offset=40256 (i32.shl (local.get $i) (i32.const 2)))))
      (i32.store offset=40256 (i32.shl (local.get $pc) (i32.const 2))
        (i32.sub (i32.load offset=40256 (i32.shl (local.get $i) (i32.const 2))) (i32.const 1)))
      (if (i32.load offset=40256 (i32.shl (local.get $i) (i32.const 2)))
        (then (local.set $acc (i32.xor (local.get $acc) (i32.shr_u (local.get $acc) (i32.const 3))))))
      (i32.store offset=40256 (i32.shl (local.get $i) (i32.const 2))
        (i32.mul (i32.load8_u offset=40000 (local.get $i)) (i32.const 3)))
      (local.set $pc (i32.load offset=40256 (i32.shl (local.get $i) (i32.const 2))))
      (local.set $pc (i32.and (i32.add (local.get $pc) (i32.const 1)) (i32.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $cells (i32.lt_u (local.get $i) (i32.const 16))))
    (local.get $acc))
  (func (export "main") (param $n i32) (result i32)
    (local $r i32) (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum)
        (i32.add
          (i32.add (call $bytes (i32.const 200)) (call $words (local.get $n)))
          (i32.add
            (i32.add (i32.trunc_f64_u (f64.add (call $dot (local.get $n)) (call $matrix (i32.const 8))))
                     (i32.wrap_i64 (call $collatz (i64.const 300))))
            (call $vm (local.get $n))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $r) (i32.const 20))))
    (local.get $sum)))
