;; A small bytecode interpreter, shaped like compiler output for a `switch` in
;; a loop: a program of 1-byte opcodes with 1-byte operands in linear memory,
;; an accumulator and 8 registers in memory, dispatch by `br_table`.
;; The bytecode counts a register down from 200000 and mixes it into an
;; accumulator; `main` runs it 20 times and returns the accumulator (i32).
;; Opcodes: 0 halt | 1 r: acc += reg[r] | 2 k: acc = acc * 31 + k
;; | 3 r: reg[r] -= 1 | 4 r t: if reg[r] != 0 goto t | 5 r k: reg[r] = k * 1000
;; | 6 r: acc ^= acc >> r
(module
  (memory 1)
  ;; at 0: 5 0 200  1 0  2 7  6 13  3 0  4 0 2  0
  (data (i32.const 0) "\05\00\c8\01\00\02\07\06\0d\03\00\04\00\03\00")
  (func $run (param $acc i32) (result i32)
    (local $pc i32) (local $op i32) (local $a i32)
    (block $halt
      (loop $next
        (local.set $op (i32.load8_u (local.get $pc)))
        (local.set $a (i32.load8_u offset=1 (local.get $pc)))
        (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1
          (br_table $halt $b1 $b2 $b3 $b4 $b5 $b6 $halt (local.get $op)))
          ;; 1 r: acc += reg[r]
          (local.set $acc (i32.add (local.get $acc)
            (i32.load offset=256 (i32.shl (local.get $a) (i32.const 2)))))
          (local.set $pc (i32.add (local.get $pc) (i32.const 2)))
          (br $next))
          ;; 2 k: acc = acc * 31 + k
          (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $a)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 2)))
          (br $next))
          ;; 3 r: reg[r] -= 1
          (i32.store offset=256 (i32.shl (local.get $a) (i32.const 2))
            (i32.sub (i32.load offset=256 (i32.shl (local.get $a) (i32.const 2))) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 2)))
          (br $next))
          ;; 4 r t: if reg[r] != 0 goto t
          (if (i32.load offset=256 (i32.shl (local.get $a) (i32.const 2)))
            (then (local.set $pc (i32.load8_u offset=2 (local.get $pc))))
            (else (local.set $pc (i32.add (local.get $pc) (i32.const 3)))))
          (br $next))
          ;; 5 r k: reg[r] = k * 1000
          (i32.store offset=256 (i32.shl (local.get $a) (i32.const 2))
            (i32.mul (i32.load8_u offset=2 (local.get $pc)) (i32.const 1000)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 3)))
          (br $next))
        ;; 6 r: acc ^= acc >> r
        (local.set $acc (i32.xor (local.get $acc) (i32.shr_u (local.get $acc) (local.get $a))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 2)))
        (br $next)))
    (local.get $acc))
  (func (export "main") (result i32)
    (local $i i32) (local $acc i32)
    (loop $rep
      (local.set $acc (call $run (local.get $acc)))
      (br_if $rep (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20))))
    (local.get $acc)))
